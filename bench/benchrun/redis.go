package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// redisProc is a redis-server of the benchmark's own, on a free loopback port, saving nothing.
type redisProc struct {
	cmd  *exec.Cmd
	dir  string
	port int
}

// startRedis starts the redis-server binary at path, placed by p, and waits until it answers
// PING. Its output (warnings only) goes to log.
func startRedis(ctx context.Context, path string, p placement, log io.Writer) (*redisProc, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("benchrun: a free port for redis-server: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "benchrun-redis-")
	if err != nil {
		return nil, fmt.Errorf("benchrun: %w", err)
	}
	argv := p.wrap([]string{path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"})
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("benchrun: start redis-server: %w", err)
	}
	r := &redisProc{cmd: cmd, dir: dir, port: port}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := pingRedis(r.addr())
		if err == nil {
			return r, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.stop()
			return nil, fmt.Errorf("benchrun: redis-server on %s does not answer: %w", r.addr(), err)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with a deadline
	}
}

func (r *redisProc) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }
func (r *redisProc) url() string  { return "redis://" + r.addr() + "/0" }
func (r *redisProc) pid() int     { return r.cmd.Process.Pid }

// stop kills the server and removes its folder.
func (r *redisProc) stop() {
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	os.RemoveAll(r.dir)
}

// pingRedis sends PING in the Redis protocol and expects +PONG.
func pingRedis(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return err
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("answered %q", line)
	}
	return nil
}
