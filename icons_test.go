package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFaviconAndManifestAreServed: the page links an SVG favicon, an iOS home-screen icon and a
// web app manifest; each is served with its media type, /favicon.ico leads to the SVG, and every
// icon the manifest lists is there with the type it declares.
func TestFaviconAndManifestAreServed(t *testing.T) {
	base := startServer(t)

	page := getBody(t, base+"/")
	for _, link := range []string{
		`<link rel="icon" href="favicon.svg" type="image/svg+xml">`,
		`<link rel="apple-touch-icon" href="icons/apple-touch-icon.png">`,
		`<link rel="manifest" href="manifest.webmanifest">`,
	} {
		if !strings.Contains(page, link) {
			t.Errorf("index.html lacks %s", link)
		}
	}
	if body := getTyped(t, base+"/favicon.svg", "image/svg+xml"); !strings.Contains(string(body), "<svg") {
		t.Errorf("/favicon.svg is no SVG: %.80q", body)
	}
	getTyped(t, base+"/icons/apple-touch-icon.png", "image/png")

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(base + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/favicon.svg" {
		t.Errorf("/favicon.ico: %d to %q, want 301 to /favicon.svg", resp.StatusCode, resp.Header.Get("Location"))
	}
	getTyped(t, base+"/favicon.ico", "image/svg+xml") // the default client follows the redirect

	manifestURL := base + "/manifest.webmanifest"
	var manifest struct {
		Name, Display string
		ThemeColor    string `json:"theme_color"`
		Icons         []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal(getTyped(t, manifestURL, "application/manifest+json"), &manifest); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if manifest.Name != "Tank Arena" || manifest.Display != "standalone" || manifest.ThemeColor == "" {
		t.Errorf("manifest: name %q, display %q, theme colour %q", manifest.Name, manifest.Display, manifest.ThemeColor)
	}
	sizes := map[string]bool{}
	for _, icon := range manifest.Icons {
		src, err := url.Parse(manifestURL)
		if err != nil {
			t.Fatal(err)
		}
		src, err = src.Parse(icon.Src) // icon paths are relative to the manifest
		if err != nil {
			t.Fatalf("icon %q: %v", icon.Src, err)
		}
		getTyped(t, src.String(), icon.Type)
		sizes[icon.Sizes] = true
	}
	// Android's home-screen install wants a 192 px and a 512 px icon.
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Errorf("manifest icons %+v lack 192x192 or 512x512", manifest.Icons)
	}
}

// getTyped fetches url, requires 200 with Content-Type wantType, and returns the body.
func getTyped(t *testing.T, url, wantType string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != wantType {
		t.Errorf("GET %s: %d %q, want 200 %q", url, resp.StatusCode, resp.Header.Get("Content-Type"), wantType)
	}
	return body
}
