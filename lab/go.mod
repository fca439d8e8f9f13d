module maprace.lab

go 1.22
