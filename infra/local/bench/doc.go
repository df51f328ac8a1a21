// Package bench holds what `make bench` compares the functions with: the
// hello-world baseline of the init-time budget (hello/) and Go benchmarks of
// the in-process request path (bench_test.go), which need no emulator.
package bench
