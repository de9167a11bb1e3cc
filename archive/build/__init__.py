"""Build: making and maintaining an archive from files.

Owns the local build (`pipeline`: build, add, reembed, reattribute), the publishing of a
generation they share (`publish`: lock, new generation, publish, mirror into the configured
engine, cleanup), the stages the local and the distributed build share (`stages`: read,
clean, chunk, attribute, group people, expected manifest), the report (`report`) and the
distributed Ray build straight into Milvus (`distributed`; ray loads only when it runs).

May import archive.config, archive.errors, archive.models, archive.text, archive.quotes,
archive.embed and archive.storage (never search or app). The engine is never named here:
storage mirrors a generation and opens the distributed build's writer.
"""
from archive.build.distributed import build_distributed
from archive.build.pipeline import add, build, current_manifest, reattribute, reembed
from archive.build.report import BuildReport, Progress

__all__ = ["BuildReport", "Progress", "add", "build", "build_distributed", "current_manifest",
           "reattribute", "reembed"]
