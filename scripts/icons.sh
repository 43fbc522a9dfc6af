#!/usr/bin/env bash
# Renders web/favicon.svg to the PNG icons that phones put on the home screen (they do not all
# take an SVG there): web/icons/icon-192.png and icon-512.png for the web app manifest, and
# apple-touch-icon.png (180 px) for iOS. Run it after changing the SVG and commit the PNGs.
# Needs Debian's chromium (scripts/deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
svg="file://$PWD/web/favicon.svg"
mkdir -p web/icons
render() { # size, output
  # The SVG has no width or height, so it fills the window; the transparent background keeps
  # its rounded corners.
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --window-size="$1,$1" --screenshot="$PWD/$2" "$svg" >/dev/null 2>&1
  echo "icons: $2 ($1 px)"
}
render 192 web/icons/icon-192.png
render 512 web/icons/icon-512.png
render 180 web/icons/apple-touch-icon.png
