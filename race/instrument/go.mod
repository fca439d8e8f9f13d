module maprace/instrument

go 1.22
