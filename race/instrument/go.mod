module maprace/instrument

// Go 1.25 is the oldest Go maprace race supports; a go line at or after 1.23 also makes
// go/types represent alias types (gotypesalias=1), which generic aliases require.
go 1.25
