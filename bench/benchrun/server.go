package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverKind names one side of the comparison and how to start it.
type serverKind struct {
	name    string // "go" or "node"
	label   string // for the table
	command func(rate, payload int) []string
	// portFrom finds the port in a line of the server's stdout; nil reads "listening <port>".
	portFrom func(line string) (int, bool)
	// loadgenArgs are extra load generator flags for the runs against this side (the game
	// scenario's spectators).
	loadgenArgs []string
}

// listeningPort reads the fan-out servers' "listening <port>" line.
func listeningPort(line string) (int, bool) {
	rest, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		return 0, false
	}
	port, err := strconv.Atoi(strings.TrimSpace(rest))
	return port, err == nil
}

// placement is where and how urgently a benchmark process runs.
type placement struct {
	cpu  string // taskset CPU list; empty leaves the process unpinned
	nice int    // niceness; negative gives it priority over whatever else runs on the CPU
}

// wrap prefixes argv with nice and taskset as needed. Both exec the next program, so the
// PID we start is the benchmarked process's own.
func (p placement) wrap(argv []string) []string {
	if p.cpu != "" {
		argv = append([]string{"taskset", "-c", p.cpu}, argv...)
	}
	if p.nice != 0 {
		argv = append([]string{"nice", "-n", strconv.Itoa(p.nice)}, argv...)
	}
	return argv
}

// runningServer is a started fan-out server; stop it exactly once.
type runningServer struct {
	cmd    *exec.Cmd
	port   int
	exited chan error
}

// startServer launches kind on a free port, placed by p, and waits for the line that tells
// its port.
func startServer(ctx context.Context, kind serverKind, p placement, rate, payload int, stderr io.Writer) (*runningServer, error) {
	argv := p.wrap(kind.command(rate, payload))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("benchrun: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("benchrun: start %s server: %w", kind.name, err)
	}
	s := &runningServer{cmd: cmd, exited: make(chan error, 1)}
	portFrom := kind.portFrom
	if portFrom == nil {
		portFrom = listeningPort
	}
	ports := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if port, ok := portFrom(sc.Text()); ok {
				select {
				case ports <- port:
				default:
				}
			}
		}
		s.exited <- cmd.Wait()
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case s.port = <-ports:
		return s, nil
	case err := <-s.exited:
		return nil, fmt.Errorf("benchrun: %s server exited before listening: %w", kind.name, errors.Join(err, errors.New("no port printed")))
	case <-timer.C:
		s.stop()
		return nil, fmt.Errorf("benchrun: %s server did not print its port within 30s", kind.name)
	case <-ctx.Done():
		s.stop()
		return nil, fmt.Errorf("benchrun: %w", ctx.Err())
	}
}

func (s *runningServer) pid() int    { return s.cmd.Process.Pid }
func (s *runningServer) url() string { return fmt.Sprintf("http://127.0.0.1:%d", s.port) }

// stop asks the server to end (SIGTERM) and kills it if it has not after five seconds.
func (s *runningServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
