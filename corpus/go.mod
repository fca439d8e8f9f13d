module example.com/corpus

go 1.24

require example.com/waitlib v0.0.0

replace example.com/waitlib => ./_deps/waitlib
