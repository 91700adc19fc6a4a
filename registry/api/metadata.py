"""OPTIONS answers: what DRF's SimpleMetadata says, without introspecting a serializer.

The viewsets parse input with a serializer per action, not one `serializer_class`, so DRF's
default would fail (500) trying to describe the POST/PUT body. The request shapes are in the
OpenAPI schema (/api/schema/); OPTIONS names the view, the media types and, in `Allow`, the
methods.
"""

from rest_framework.metadata import SimpleMetadata


class RegistryMetadata(SimpleMetadata):
    def determine_actions(self, request, view) -> dict:
        return {}
