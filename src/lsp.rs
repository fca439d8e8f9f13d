//! `maprace lsp`: a Language Server over stdio (lsp-server + lsp-types, as rust-analyzer uses).
//! On open and on save of a Go file it runs `check_paths` over the file's module (the
//! directory of the nearest `go.mod`, recursively; the file's directory outside a module) and
//! publishes the findings per file, clearing files that no longer have any. Diagnostics carry
//! the rule id, the fix, and the other side of each race as related information.
//! The analysis reads the files on disk, so diagnostics follow saves, not keystrokes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_server::{Connection, Message, Notification};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use crate::check::{CheckOptions, check_paths};
use crate::report::Finding;
use crate::triage::{Sources, line_of};

/// Exit code 0 after a clean `shutdown` + `exit`, 2 on a protocol or I/O failure.
pub fn run() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let result = serve(&connection);
    drop(connection);
    let joined = io_threads.join();
    match (result, joined) {
        (Ok(()), Ok(())) => 0,
        (Err(e), _) => {
            eprintln!("maprace lsp: {e}");
            2
        }
        (_, Err(e)) => {
            eprintln!("maprace lsp: {e}");
            2
        }
    }
}

fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::NONE),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let caps = serde_json::to_value(capabilities).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut server = Server::default();
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                // Nothing else is offered in the capabilities; answer politely.
                let resp = lsp_server::Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("maprace lsp does not handle {}", req.method),
                );
                connection.sender.send(resp.into()).map_err(|e| e.to_string())?;
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(());
                }
                if n.method == "textDocument/didOpen" || n.method == "textDocument/didSave" {
                    let uri = n.params.pointer("/textDocument/uri").and_then(|u| u.as_str()).unwrap_or("");
                    if let Some(path) = path_of_uri(uri) {
                        for out in server.check_around(&path) {
                            connection.sender.send(out.into()).map_err(|e| e.to_string())?;
                        }
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The files each analysed root had diagnostics in, to clear them when they are fixed.
#[derive(Default)]
struct Server {
    published: HashMap<PathBuf, HashSet<PathBuf>>,
}

impl Server {
    fn check_around(&mut self, file: &Path) -> Vec<Notification> {
        let dir = file.parent().unwrap_or(Path::new("."));
        let (root, pattern) = match crate::load::find_module(dir) {
            Some((root, _)) => (root.clone(), format!("{}/...", root.display())),
            None => (dir.to_path_buf(), dir.display().to_string()),
        };
        let outcome = check_paths(&[pattern], &CheckOptions::defaults());
        let mut out = Vec::new();
        for e in &outcome.report.errors {
            out.push(log(format!("maprace: {}: {}", e.file.display(), e.message)));
        }
        let mut sources = Sources::default();
        let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for f in &outcome.report.findings {
            let file = absolute(&f.file);
            by_file.entry(file).or_default().push(diagnostic(f, &mut sources));
        }
        let now: HashSet<PathBuf> = by_file.keys().cloned().collect();
        let before = self.published.insert(root, now.clone()).unwrap_or_default();
        for gone in before.difference(&now) {
            by_file.insert(gone.clone(), Vec::new());
        }
        for (file, diagnostics) in by_file {
            let Some(uri) = uri_of_path(&file) else { continue };
            let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
            out.push(Notification::new("textDocument/publishDiagnostics".into(), params));
        }
        out
    }
}

fn log(message: String) -> Notification {
    Notification::new("window/logMessage".into(), serde_json::json!({"type": 3, "message": message}))
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn diagnostic(f: &Finding, sources: &mut Sources) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let uri = uri_of_path(&absolute(&r.file))?;
            let range = line_range(sources, &r.file, r.line, 1);
            Some(DiagnosticRelatedInformation { location: Location::new(uri, range), message: r.message.clone() })
        })
        .collect();
    Diagnostic {
        range: line_range(sources, &f.file, f.line, f.column),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(f.rule.to_string())),
        source: Some("maprace".into()),
        message: format!("{}: {}\nfix: {}", f.name, f.message, f.fix),
        related_information: if related.is_empty() { None } else { Some(related) },
        ..Diagnostic::default()
    }
}

/// From the 1-based byte column to the end of the line, in UTF-16 units as LSP counts them.
fn line_range(sources: &mut Sources, file: &Path, line: u32, column: u32) -> Range {
    let l = line.saturating_sub(1);
    let text = sources.get(file).and_then(|t| line_of(t, line)).unwrap_or("");
    let byte = (column.saturating_sub(1) as usize).min(text.len());
    let byte = (0..=byte).rev().find(|b| text.is_char_boundary(*b)).unwrap_or(0);
    let start = text[..byte].encode_utf16().count() as u32;
    let end = (text.encode_utf16().count() as u32).max(start);
    Range::new(Position::new(l, start), Position::new(l, end))
}

/// `file:///a%20b/c.go` → `/a b/c.go`; other schemes are not files we can analyse.
pub fn path_of_uri(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// `/a b/c.go` → `file:///a%20b/c.go`.
pub fn uri_of_path(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => s.push(b as char),
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&s).ok()
}
