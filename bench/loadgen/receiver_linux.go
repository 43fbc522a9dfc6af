package main

import "runtime"

// defaultReceiver is the -receiver default: on Linux, the epoll receiver.
const defaultReceiver = receiverEpoll

func newReceiver(kind string, f *fleet, url string, readBuffer int, stamp string) (receiver, error) {
	if kind == receiverEpoll {
		return newEpollReceiver(f, url, runtime.GOMAXPROCS(0), stamp == stampKernel)
	}
	return newGoroutineReceiver(f, url, readBuffer), nil
}
