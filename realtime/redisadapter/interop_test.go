package redisadapter

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// TestInteropNode runs a Node socket.io server on the official @socket.io/redis-adapter
// (compat/redis/interop.mjs) next to a Go server on this adapter, on one Redis: broadcasts
// with rooms and except, acks, server-side emits, fetchSockets and remote joins must cross
// both ways (the assertions are in the script).
func TestInteropNode(t *testing.T) {
	node := testenv.Node(t)
	dir := filepath.Join(testenv.CompatDir(t), "redis")
	redis := testenv.Redis(t)
	goNode := startNode(t, redis.URL())

	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(90*time.Second))
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "interop.mjs"), redis.URL(), goNode.url)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), testenv.SlackEnv())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node interop.mjs: %v\n%s", err, out)
	}
	if s := goNode.node.Stats(); s.Malformed != 0 || s.Lost() != 0 || s.Received == 0 {
		t.Errorf("Go node stats: %+v", s)
	}
}
