#!/usr/bin/env python3
"""Hand-built PDFs and incremental updates for the field corpus: the changes other writers make after a signature
(Adobe-style XMP and /ModDate updates, in classic or xref-stream + object-stream revisions; a page's /Annots and
/Resources changed to receive a new signature widget), and a hybrid-reference file whose /XRefStm is shared by two
revisions. Test data only; nothing here is used by the product."""
import os
import re
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "generator"))
import corpus_pdf  # noqa: E402

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Field corpus</rdf:li></rdf:Alt></dc:title>
<xmp:ModifyDate>{date}</xmp:ModifyDate><xmp:CreatorTool>{tool}</xmp:CreatorTool>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def stream(dictionary, data):
    closing = dictionary.rindex(b">>")
    return dictionary[:closing] + b" /Length %d >>" % len(data) + b"\nstream\n" + data + b"\nendstream"


def metadata(date, tool):
    return stream(b"<< /Type /Metadata /Subtype /XML >>", XMP.format(date=date, tool=tool).encode())


def base_form(path):
    """A one-page document with /Info, XMP /Metadata and a text field 'SoVanBan' whose widget has an appearance."""
    content = b"BT /F1 18 Tf 72 720 Td (Field corpus document) Tj ET"
    appearance = b"/Tx BMC BT /F1 12 Tf 2 6 Td (12/UBND) Tj ET EMC"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 8 0 R /AcroForm << /Fields [6 0 R] /DA (/F1 12 Tf 0 g) "
           b"/DR << /Font << /F1 5 0 R >> >> >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
           b"/Contents 4 0 R /Annots [6 0 R] >>",
        4: stream(b"<< >>", content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        6: b"<< /FT /Tx /T (SoVanBan) /V (12/UBND) /DA (/F1 12 Tf 0 g) /Type /Annot /Subtype /Widget "
           b"/Rect [72 600 272 624] /F 4 /P 3 0 R /AP << /N 7 0 R >> >>",
        7: stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 24] /Resources << /Font << /F1 5 0 R >> >> >>", appearance),
        8: metadata("2026-01-01T00:00:00Z", "field_pdf.py"),
        9: b"<< /Title (Field corpus) /Producer (field_pdf.py) /CreationDate (D:20260101000000Z) /ModDate (D:20260101000000Z) >>",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 10\n0000000000 65535 f \n"
    for number in range(1, 10):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size 10 /Root 1 0 R /Info 9 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    open(path, "wb").write(out)


def object_body(data, number):
    """The newest body of an uncompressed object (enough for the files this script and PDFBox write)."""
    bodies = re.findall(rb"(?:^|[\r\n])%d 0 obj\s*(.*?)\s*endobj" % number, data, re.S)
    if bodies:
        return bodies[-1]
    # Compressed in an object stream: let qpdf print it.
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        copy.write(data)
        copy.flush()
        shown = subprocess.run(["qpdf", "--show-object=%d" % number, copy.name], capture_output=True)
        if shown.returncode not in (0, 3):  # 3: succeeded with warnings
            sys.exit("qpdf cannot show object %d: %s" % (number, shown.stderr.decode()))
        return shown.stdout.strip()


def trailer_value(data, key):
    values = re.findall(rb"/" + key + rb"\s+(\d+) 0 R", data)
    return int(values[-1]) if values else None


def root_and_info(data):
    return trailer_value(data, b"Root"), trailer_value(data, b"Info")


def incremental_stream(data, objects, compressed):
    """
    Appends an update the way Acrobat writes one: a cross-reference stream and, for the numbers in `compressed`, an
    object stream holding them (ISO 32000-1 7.5.7 and 7.5.8).
    """
    prev = corpus_pdf.last_startxref(data)
    size = max(corpus_pdf.trailer_size(data), max(objects) + 1)
    root, info = root_and_info(data)
    objstm_number = size
    xref_number = size + 1
    size += 2
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    entries = {}
    for number in sorted(n for n in objects if n not in compressed):
        entries[number] = (1, len(out), 0)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    if compressed:
        header, body = b"", b""
        for index, number in enumerate(sorted(compressed)):
            header += b"%d %d " % (number, len(body))
            body += objects[number] + b"\n"
            entries[number] = (2, objstm_number, index)
        packed = zlib.compress(header + body)
        entries[objstm_number] = (1, len(out), 0)
        out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                % (objstm_number, len(compressed), len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    entries[xref_number] = (1, len(out), 0)
    numbers = sorted(entries)
    rows = b"".join(bytes([t]) + f2.to_bytes(4, "big") + f3.to_bytes(2, "big") for t, f2, f3 in (entries[n] for n in numbers))
    index = b" ".join(b"%d 1" % n for n in numbers)
    packed = zlib.compress(rows)
    xref = len(out)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /Index [%s] /W [1 4 2] /Root %d 0 R /Info %d 0 R /Prev %d "
            b"/Filter /FlateDecode /Length %d >>\nstream\n" % (xref_number, size, index, root, info, prev, len(packed))
            + packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def incremental_with_info(data, objects):
    """
    corpus_pdf.incremental keeps /Root 1 0 R; this one also carries the trailer's /Info forward, and /Encrypt and /ID
    for an encrypted file (the newest trailer is the one a reader takes them from).
    """
    root, info = root_and_info(data)
    carried = b"/Root %d 0 R" % root + (b" /Info %d 0 R" % info if info is not None else b"")
    encrypt = re.findall(rb"/Encrypt\s+(\d+ \d+ R)", data)
    ids = re.findall(rb"/ID\s*\[\s*(<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>)\s*\]", data)
    if encrypt:
        carried += b" /Encrypt " + encrypt[-1] + b" /ID [" + ids[-1] + b"]"
    out = corpus_pdf.incremental(data, objects)
    return out[:out.rindex(b"/Root 1 0 R")] + carried + out[out.rindex(b"/Root 1 0 R") + 11:]


def adobe_update(data, kind):
    """The XMP and /ModDate update a reader writes when it saves a signed file: classic table, or xref/object streams."""
    root, info = root_and_info(data)
    info_body = re.sub(rb"/ModDate \([^)]*\)", b"/ModDate (D:20260315093000+07'00')", object_body(data, info))
    catalog = object_body(data, root)
    metadata_number = int(re.search(rb"/Metadata (\d+) 0 R", catalog).group(1))
    objects = {info: info_body, metadata_number: metadata("2026-03-15T09:30:00+07:00", "Adobe Acrobat (imitated)")}
    if kind == "xmp":
        return incremental_with_info(data, {metadata_number: objects[metadata_number]})
    if kind == "moddate":
        return incremental_with_info(data, {info: info_body})
    # Acrobat's style: the new XMP stream stays uncompressed (streams cannot go in object streams), Info is compressed.
    return incremental_stream(data, objects, compressed={info})


def new_widget(data, with_resources):
    """
    A second signature field prepared the way some signers do it: a new widget in the page's /Annots and, with
    `with_resources`, a font added to the page's /Resources for the widget's appearance.
    """
    root, _ = root_and_info(data)
    catalog = object_body(data, root)
    page = object_body(data, 3)
    annots = re.search(rb"/Annots \[([^\]]*)\]", page).group(1)
    size = corpus_pdf.trailer_size(data)
    field = size
    new_page = page.replace(b"/Annots [" + annots + b"]", b"/Annots [" + annots + b" %d 0 R]" % field)
    if with_resources:
        new_page = new_page.replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R /SigF2 %d 0 R >>" % (field + 1))
    fields = re.search(rb"/Fields \[([^\]]*)\]", catalog).group(1)
    new_catalog = catalog.replace(b"/Fields [" + fields + b"]", b"/Fields [" + fields + b" %d 0 R]" % field)
    objects = {
        root: new_catalog,
        3: new_page,
        field: b"<< /FT /Sig /T (ChuKyThuHai) /Type /Annot /Subtype /Widget /Rect [300 100 500 160] /F 132 /P 3 0 R >>",
    }
    if with_resources:
        objects[field + 1] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"
    return incremental_with_info(data, objects)


def shared_xrefstm(path):
    """
    A hybrid-reference file (ISO 32000-1 7.5.8.4) in two revisions whose trailers both name the same /XRefStm, as some
    writers copy the trailer forward: a reader meets that stream a second time through /Prev.
    """
    content = b"BT /F1 18 Tf 72 720 Td (Hybrid reference document) Tj ET"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        4: stream(b"<< >>", content),
    }
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    # Object 5 (the font) lives only in object stream 8, listed only by xref stream 9: a pre-1.5 reader skips it.
    # (6 and 7 are left for the signature that corpus_pdf.py adds.)
    header = b"5 0 "
    packed = zlib.compress(header + b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n")
    offsets[8] = len(out)
    out += b"8 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed)) + packed + b"\nendstream\nendobj\n"
    rows = bytes([2]) + (8).to_bytes(4, "big") + (0).to_bytes(2, "big")
    rows += bytes([1]) + len(out).to_bytes(4, "big") + (0).to_bytes(2, "big")
    xrefstm = len(out)
    packed = zlib.compress(rows)
    out += b"9 0 obj\n<< /Type /XRef /Size 10 /Index [5 1 9 1] /W [1 4 2] /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream\nendobj\n"
    table = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n"
    for number in range(1, 5):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"8 1\n%010d 00000 n \n" % offsets[8]
    out += b"trailer\n<< /Size 10 /Root 1 0 R /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (xrefstm, table)
    # Revision 2 rewrites the catalog and copies the trailer, /XRefStm included.
    offsets[1] = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (vi-VN) >>\nendobj\n"
    second = len(out)
    out += b"xref\n1 1\n%010d 00000 n \ntrailer\n<< /Size 10 /Root 1 0 R /XRefStm %d /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (offsets[1], xrefstm, table, second)
    open(path, "wb").write(out)


def first_page(data):
    root, _ = root_and_info(data)
    pages = int(re.search(rb"/Pages (\d+) 0 R", object_body(data, root)).group(1))
    return int(re.search(rb"/Kids\s*\[\s*(\d+) 0 R", object_body(data, pages)).group(1))


def alter(data):
    """The real change put on top of an accepted one: page 1's content stream replaced (text added after signing)."""
    content_number = int(re.search(rb"/Contents (\d+) 0 R", object_body(data, first_page(data))).group(1))
    content = b"BT /F1 18 Tf 72 720 Td (Field corpus document) Tj ET BT /F1 18 Tf 72 680 Td (Added after signing: 999.000.000 VND) Tj ET"
    return incremental_with_info(data, {content_number: stream(b"<< >>", content)})


def regenerate_appearance(data):
    """
    Form filling as a reader does it after a certification that allows it: the field's value changes and the existing
    appearance stream object is rewritten in place with the new text.
    """
    field = object_body(data, 6).replace(b"/V (12/UBND)", b"/V (13/UBND)")
    appearance = stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 24] /Resources << /Font << /F1 5 0 R >> >> >>",
                        b"/Tx BMC BT /F1 12 Tf 2 6 Td (13/UBND) Tj ET EMC")
    return incremental_with_info(data, {6: field, 7: appearance})


def tamper(src, dst, old, new):
    """Changes bytes inside the signed range, keeping the length: the message digest no longer matches."""
    data = open(src, "rb").read()
    if len(old) != len(new) or old.encode() not in data:
        sys.exit("tamper: text not found or lengths differ")
    open(dst, "wb").write(data.replace(old.encode(), new.encode(), 1))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "base-form":
        base_form(rest[0])
    elif command == "adobe":
        open(rest[1], "wb").write(adobe_update(open(rest[0], "rb").read(), rest[2]))
    elif command == "new-widget":
        open(rest[1], "wb").write(new_widget(open(rest[0], "rb").read(), rest[2] == "resources"))
    elif command == "shared-xrefstm":
        shared_xrefstm(rest[0])
    elif command == "alter":
        open(rest[1], "wb").write(alter(open(rest[0], "rb").read()))
    elif command == "regenerate-appearance":
        open(rest[1], "wb").write(regenerate_appearance(open(rest[0], "rb").read()))
    elif command == "tamper":
        tamper(*rest)
    else:
        sys.exit("unknown command " + command)
