# Sourced by the bench drivers: writes small text PDFs for benchmarks.
# sketch PAGES FILLER_BYTES OUT: a PDF without xref (qpdf rebuilds it); each page has a text line, page 1 also a
# content stream padded with FILLER_BYTES of PDF comment lines to make a large file.
sketch() {
  local pages=$1 filler=$2 out=$3 kids="" i
  for i in $(seq "$pages"); do kids="$kids $((i * 2 + 2)) 0 R"; done
  {
    printf '%%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
    printf '2 0 obj << /Type /Pages /Kids [%s ] /Count %d >> endobj\n' "$kids" "$pages"
    printf '3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >> endobj\n'
    for i in $(seq "$pages"); do
      local text="BT /F1 12 Tf 72 760 Td (Cong van so $i/UBND-VP: noi dung trang $i, dong thu nhat cua van ban.) Tj 0 -16 Td (Dong thu hai cua trang $i.) Tj ET"
      printf '%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >> endobj\n' $((i * 2 + 2)) $((i * 2 + 3))
      if [ "$i" = 1 ] && [ "$filler" -gt 0 ]; then
        local lines=$((filler / 64))
        printf '%d 0 obj << /Length %d >> stream\n' $((i * 2 + 3)) $((lines * 64 + ${#text} + 1))
        yes '%..............................................................' | head -n "$lines" || true
      else
        printf '%d 0 obj << /Length %d >> stream\n' $((i * 2 + 3)) $((${#text} + 1))
      fi
      printf '%s\nendstream endobj\n' "$text"
    done
    printf 'trailer << /Root 1 0 R >>\n%%%%EOF\n'
  } > "$out"
}

# ten_page_pdf WORKDIR OUT: the 10-page benchmark input, written by poppler's cairo backend (pdftocairo) after qpdf
# rebuilds the sketch, so the document is not one our writer produced.
ten_page_pdf() {
  sketch 10 0 "$1/sketch10.pdf"
  qpdf "$1/sketch10.pdf" "$1/repaired10.pdf" 2>/dev/null || [ $? = 3 ]
  pdftocairo -pdf "$1/repaired10.pdf" "$2" 2>/dev/null
}
