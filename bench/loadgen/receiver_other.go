//go:build !linux

package main

import "fmt"

// defaultReceiver is the -receiver default: without epoll, the goroutine receiver.
const defaultReceiver = receiverGoroutines

func newReceiver(kind string, f *fleet, url string, readBuffer int, _ string) (receiver, error) {
	if kind != receiverGoroutines {
		return nil, fmt.Errorf("loadgen: -receiver %s needs Linux", kind)
	}
	return newGoroutineReceiver(f, url, readBuffer), nil
}
