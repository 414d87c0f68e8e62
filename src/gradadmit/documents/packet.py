"""The documents' part of the review packet: each current document, in item order."""

from gradadmit.core.packet import PacketPart, packet_registry
from gradadmit.documents.models import Document


@packet_registry.register
def document_parts(application):
    documents = Document.objects.filter(application=application, is_current=True).select_related("requirement")
    return [
        PacketPart(
            order=100 + document.requirement.order,
            title=document.requirement.name,
            open=document.file.open,
            kind="image" if document.content_type.startswith("image/") else "pdf",
            uploaded_at=document.uploaded_at,
        )
        for document in documents
    ]
