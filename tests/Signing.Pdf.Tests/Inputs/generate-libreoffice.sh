#!/usr/bin/env bash
# Regenerates libreoffice-van-ban-di.pdf, an outgoing document exported by LibreOffice Writer (an independent PDF
# producer: its own fonts, object streams off, /Info and XMP as LibreOffice writes them). The PDF is checked in, so
# the tests do not need LibreOffice; this script needs libreoffice-writer-nogui.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/libreoffice-van-ban-di.txt" <<'TEXT'
ỦY BAN NHÂN DÂN XÃ HÒA BÌNH
Số: 123/UBND-VP

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

V/v triển khai ký số văn bản đi trên hệ thống quản lý văn bản

Kính gửi: Các phòng, ban chuyên môn thuộc Ủy ban nhân dân xã.

Thực hiện Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư, Ủy ban nhân dân xã đề nghị các phòng,
ban chuyên môn triển khai ký số đối với toàn bộ văn bản đi kể từ ngày 01 tháng 12 năm 2026.

CHỦ TỊCH

Nguyễn Văn An
TEXT
(cd "$work" && HOME="$work" soffice --headless --convert-to pdf libreoffice-van-ban-di.txt >/dev/null)
cp "$work/libreoffice-van-ban-di.pdf" "$here/"
