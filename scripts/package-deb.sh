#!/usr/bin/env bash
# Builds the Debian package of the counter window and the command-line tool
# (bianmin-desk_<version>_amd64.deb in target/release/) with dpkg-deb, from
# the release binaries: /usr/bin/bianmin-desk, /usr/bin/bianmin, a desktop
# entry, the icons and the hub's sync service unit (bianmin-hub.service,
# not enabled: only a headless hub turns it on). Prints the path and size of the package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh build-essential pkg-config ca-certificates libwebkit2gtk-4.1-dev
source scripts/require-cargo.sh
cargo build --release -q -p bianmin -p bianmin-desk
version=$(sed -n 's/^version = "\(.*\)"/\1/p' src-tauri/Cargo.toml | head -1)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -Dm755 -s target/release/bianmin-desk "$root/usr/bin/bianmin-desk"
install -Dm755 -s target/release/bianmin "$root/usr/bin/bianmin"
install -Dm644 assets/icons/32x32.png "$root/usr/share/icons/hicolor/32x32/apps/bianmin-desk.png"
install -Dm644 assets/icons/128x128.png "$root/usr/share/icons/hicolor/128x128/apps/bianmin-desk.png"
install -Dm644 assets/icons/icon.png "$root/usr/share/icons/hicolor/256x256/apps/bianmin-desk.png"
install -Dm644 assets/systemd/bianmin-hub.service "$root/usr/lib/systemd/system/bianmin-hub.service"
mkdir -p "$root/usr/share/applications" "$root/DEBIAN"
cat > "$root/usr/share/applications/bianmin-desk.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=便民服务台
Comment=乡镇便民服务中心窗口受理系统
Exec=bianmin-desk
Icon=bianmin-desk
Categories=Office;
DESKTOP
size=$(du -sk "$root/usr" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: bianmin-desk
Version: $version
Architecture: amd64
Maintainer: Bianmin Counter developers <dev@bianmin.local>
Depends: libwebkit2gtk-4.1-0, libgtk-3-0, libssl3, fonts-noto-cjk, fonts-hanazono, cups-client
Installed-Size: $size
Section: misc
Priority: optional
Description: 便民服务台 — township convenience-service counter
 Offline-first case intake for a township convenience-service center:
 the counter window and the bianmin command-line tool.
CONTROL
out="target/release/bianmin-desk_${version}_amd64.deb"
dpkg-deb --build --root-owner-group -Zxz "$root" "$out" >/dev/null
echo "$out $(stat -c %s "$out") bytes"
