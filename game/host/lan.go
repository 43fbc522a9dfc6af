package host

import (
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/skip2/go-qrcode"
)

// lanURLs lists http://<ip>:<port>/ for every non-loopback IPv4 address of this machine: the
// addresses other devices on the LAN can open.
func lanURLs(port int) []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var urls []string
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip := ipnet.IP.To4()
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
			continue
		}
		urls = append(urls, "http://"+net.JoinHostPort(ip.String(), strconv.Itoa(port))+"/")
	}
	return urls
}

// printJoinInfo shows where to point browsers, with a QR code of the first address for phones.
// Its first line, "<name> is up. Open on this machine: http://localhost:<port>/", is what
// scripts read the port from (bench/benchrun does).
func printJoinInfo(w io.Writer, name string, port int) {
	urls := lanURLs(port)
	fmt.Fprintf(w, "\n%s is up. Open on this machine: http://localhost:%d/\n", name, port)
	if len(urls) == 0 {
		fmt.Fprintln(w, "No LAN address found; only this machine can join.")
		return
	}
	fmt.Fprintln(w, "On the LAN:")
	for _, u := range urls {
		fmt.Fprintln(w, "  "+u)
	}
	qr, err := qrcode.New(urls[0], qrcode.Medium)
	if err != nil {
		return
	}
	// Half-block characters draw two QR rows per terminal line; inverted for dark terminals.
	fmt.Fprintf(w, "Scan to join (%s):\n%s\n", urls[0], qr.ToSmallString(true))
}
