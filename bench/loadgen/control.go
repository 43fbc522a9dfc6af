package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// control calls the bench endpoints both fan-out servers share.
type control struct{ base string }

func (c control) get(ctx context.Context, pathAndQuery string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+pathAndQuery, nil)
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("loadgen: GET %s: %w", pathAndQuery, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("loadgen: GET %s: %s", pathAndQuery, resp.Status)
	}
	return nil
}

func (c control) gc(ctx context.Context) error { return c.get(ctx, "/bench/gc") }

func (c control) setRate(ctx context.Context, hz int) error {
	return c.get(ctx, fmt.Sprintf("/bench/rate?hz=%d", hz))
}
