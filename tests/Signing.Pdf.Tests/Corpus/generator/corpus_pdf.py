#!/usr/bin/env python3
"""Hand-built PDFs for the validation corpus: a base document, incremental updates, and a signature
placeholder whose /ByteRange is computed here and whose CMS comes from `openssl cms -sign`.
Test data only; nothing here is used by the product."""
import hashlib
import re
import subprocess
import sys

CONTENTS_CAPACITY = 8192  # bytes of DER CMS room


def base(path, text):
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n"
    for number in range(1, 6):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    open(path, "wb").write(out)


def last_startxref(data):
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def trailer_size(data):
    return max(int(s) for s in re.findall(rb"/Size (\d+)", data))


def incremental(data, objects):
    """Appends an incremental update with a classic xref table; returns the new bytes."""
    prev = last_startxref(data)
    size = max(trailer_size(data), max(objects) + 1)
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number in sorted(objects):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, prev, xref)
    return bytes(out)


def page_with(annots, content_ref=b"4 0 R"):
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents "
            + content_ref + b" /Annots [" + annots + b"] >>")


def prepare(data, subfilter, gap_extra=0):
    """Adds field 7 (merged field + widget) with signature dictionary 6; returns (bytes, byte range, contents offset)."""
    placeholder = b"0" * (CONTENTS_CAPACITY * 2)
    signature = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" + subfilter.encode()
                 + b" /ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + placeholder + b"> /M (D:20260101000000Z) >>")
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /SigFlags 3 >> >>",
        3: page_with(b"7 0 R"),
        6: signature,
        7: b"<< /FT /Sig /T (Signature1) /V 6 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>",
    }
    out = bytearray(incremental(data, objects))
    start = out.index(b"/Contents <" + placeholder[:16]) + len(b"/Contents ")
    end = start + len(placeholder) + 2
    length = len(out)
    # A broken range leaves gap_extra signed-looking bytes after the hex string outside the signature.
    byte_range = [0, start, end + gap_extra, length - end - gap_extra]
    text = b"[%d %010d %010d %010d]" % tuple(byte_range)
    text = text.ljust(len(b"[0 0000000000 0000000000 0000000000]"))
    position = out.index(b"[0 0000000000 0000000000 0000000000]")
    out[position:position + len(text)] = text
    return out, byte_range, start


def signed_bytes(data, byte_range):
    return bytes(data[byte_range[0]:byte_range[0] + byte_range[1]]) + bytes(data[byte_range[2]:byte_range[2] + byte_range[3]])


def embed(data, start, der):
    hexed = der.hex().encode()
    if len(hexed) > CONTENTS_CAPACITY * 2:
        sys.exit("CMS larger than the placeholder")
    data[start + 1:start + 1 + len(hexed)] = hexed
    return bytes(data)


def openssl_sign(content, signer, key, chain, extra=()):
    result = subprocess.run(["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
                             "-signer", signer, "-inkey", key, "-certfile", chain, *extra],
                            input=content, capture_output=True, check=True)
    return result.stdout


def cmd_sign(args):
    """sign IN OUT SUBFILTER SIGNER KEY CHAIN [gap_extra] [extra openssl args...]"""
    src, dst, subfilter, signer, key, chain = args[:6]
    gap_extra = int(args[6]) if len(args) > 6 else 0
    data, byte_range, start = prepare(open(src, "rb").read(), subfilter, gap_extra)
    content = signed_bytes(data, byte_range)
    if subfilter == "adbe.pkcs7.sha1":
        # The signed content is the SHA-1 digest of the byte range, enveloped in the CMS.
        content = hashlib.sha1(content).digest()
    der = openssl_sign(content, signer, key, chain, args[7:])
    open(dst, "wb").write(embed(data, start, der))


def cmd_alter(args):
    """alter IN OUT: a new revision replaces page 1's content stream (text appended after signing)."""
    src, dst = args
    data = open(src, "rb").read()
    content = b"BT /F1 18 Tf 72 720 Td (Corpus document) Tj ET BT /F1 18 Tf 72 680 Td (Added after signing: 999.000.000 VND) Tj ET"
    obj = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    open(dst, "wb").write(incremental(data, {4: obj}))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "base":
        base(rest[0], rest[1])
    elif command == "sign":
        cmd_sign(rest)
    elif command == "alter":
        cmd_alter(rest)
    else:
        sys.exit("unknown command " + command)
