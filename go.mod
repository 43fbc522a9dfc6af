module tankarena

go 1.26

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/go-chi/chi/v5 v5.5.0
	github.com/gorilla/websocket v1.5.3
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e
)

require github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
