module example.com/waitlib

go 1.24
