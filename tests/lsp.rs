//! `maprace lsp` driven as an editor drives it, through the real binary over stdio:
//! initialize, initialized, didOpen, publishDiagnostics, an edit that fixes the race, didSave,
//! the diagnostics cleared, shutdown, exit.

use std::fs;
use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const RACY: &str = "package main\n\nimport \"time\"\n\nvar hits = map[string]int{}\n\nfunc main() {\n\tgo func() { hits[\"a\"]++ }()\n\thits[\"b\"] = 1\n\ttime.Sleep(time.Millisecond)\n}\n";
const FIXED: &str = "package main\n\nfunc main() {\n\thits := map[string]int{}\n\thits[\"b\"] = 1\n}\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: Receiver<Message>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_maprace"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("maprace lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, inbox) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Ok(Some(m)) = Message::read(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, inbox }
    }

    fn send(&mut self, m: Message) {
        m.write(&mut self.stdin).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    /// The next message matching `want`, within a minute (the check runs in between).
    fn wait_for(&self, what: &str, want: impl Fn(&Message) -> bool) -> Message {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within 60 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout before {what}"),
            }
        }
    }

    fn diagnostics_for(&self, uri: &str) -> Vec<Value> {
        let m = self.wait_for("publishDiagnostics", |m| {
            matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        let Message::Notification(n) = m else { unreachable!() };
        n.params["diagnostics"].as_array().cloned().unwrap_or_default()
    }
}

#[test]
fn diagnostics_on_open_cleared_on_save_then_clean_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = fs::canonicalize(dir.path()).expect("canonical");
    fs::write(root.join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    let main = root.join("main.go");
    fs::write(&main, RACY).expect("main.go");
    let uri = format!("file://{}", main.display());

    let mut c = Client::start();
    c.send(Request::new(RequestId::from(1), "initialize".into(), json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}})).into());
    let init = c.wait_for("initialize response", |m| matches!(m, Message::Response(r) if r.id == RequestId::from(1)));
    let Message::Response(init) = init else { unreachable!() };
    let caps = init.response_result.expect("initialize result");
    assert_eq!(caps["capabilities"]["textDocumentSync"]["openClose"], true, "{caps}");
    assert_eq!(caps["capabilities"]["textDocumentSync"]["save"], true, "{caps}");
    c.notify("initialized", json!({}));

    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": RACY}}));
    let diags = c.diagnostics_for(&uri);
    assert!(!diags.is_empty(), "the race is published");
    let d = diags.iter().find(|d| d["range"]["start"]["line"] == 8).unwrap_or_else(|| panic!("a diagnostic on line 9: {diags:?}"));
    assert_eq!(d["code"], "MR001");
    assert_eq!(d["source"], "maprace");
    assert_eq!(d["severity"], 2);
    assert!(d["message"].as_str().is_some_and(|m| m.contains("fix: ")), "the fix is in the message: {d}");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(related["location"]["range"]["start"]["line"], 7, "the goroutine's side: {d}");

    fs::write(&main, FIXED).expect("fix");
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let diags = c.diagnostics_for(&uri);
    assert!(diags.is_empty(), "fixed: cleared: {diags:?}");

    c.send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    c.wait_for("shutdown response", |m| matches!(m, Message::Response(r) if r.id == RequestId::from(2)));
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = c.child.try_wait().expect("wait") {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit after `exit`");
        std::thread::sleep(Duration::from_millis(50));
    }
}
