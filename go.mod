module github.com/stmotion/stmotion

go 1.26
