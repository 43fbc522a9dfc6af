// Package memtest reads the memory a process holds once the garbage collector is done with
// it, for leak tests (is the live heap back where it was?) and idle-memory benchmarks (how
// much does each idle connection keep?).
//
// A single collection leaves some garbage of the cycle before and does not yet shrink the
// goroutine stacks it finds mostly unused, so every reading here follows two full
// collections; tests and benchmarks that compare readings then compare like with like.
package memtest
