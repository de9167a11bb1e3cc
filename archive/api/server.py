"""The FastAPI application of `archive serve`: read-only JSON over one shared Searcher.

Every answer is the CLI's JSON: /search gives `archive search --json`'s object
({"query", "hits"}) for one `q`, and a list of them, in order, for several; /speakers is
`archive speakers --json`; /stats is `archive stats --json`; /people/{name} is
{"person": the person's row of /speakers (found by name or alias, any case), "quotes": their
attributions by date}; /articles/{article_id} is the article with its passages. Library
errors and bad parameters are 4xx answers {"error": "..."} (one line, as the CLI prints
it); nothing writes. The docs page (/docs) is served with its Swagger UI files from the
swagger-ui-bundle package, so it works offline.
"""
from typing import Annotated

import uvicorn
from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from archive.config import Config, load_config
from archive.errors import ArchiveError, BadRequest, IndexNotFound, NotSupported
from archive.search import MAX_K, MODES, Searcher, make_filters, validate

DESCRIPTION = ("Read-only JSON over an archive index: the same answers as `archive search "
               "--json`, `archive speakers --json` and `archive stats --json`.")


def status_of(exc: ArchiveError) -> int:
    """400 for a bad argument or an engine that cannot answer, 404 for a missing index,
    409 for an index that cannot be used as it is (another model, a damaged file)."""
    if isinstance(exc, (BadRequest, NotSupported)):
        return 400
    if isinstance(exc, IndexNotFound):
        return 404
    return 409


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def find_person(people: list[dict], name: str) -> dict | None:
    """The person whose name or one of whose aliases is `name` (case and spaces ignored)."""
    wanted = " ".join(name.split()).casefold()
    for person in people:
        names = [person["name"], *person.get("aliases", [])]
        if any(" ".join(n.split()).casefold() == wanted for n in names):
            return person
    return None


def add_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the packaged files (no CDN), over /openapi.json."""
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="archive API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def create_app(config: Config | None = None, searcher: Searcher | None = None) -> FastAPI:
    """The API over the archive `config` names (one Searcher, shared by every request;
    the model loads on the first search)."""
    searcher = searcher or Searcher(config or load_config())
    app = FastAPI(title="archive", version="1", description=DESCRIPTION, docs_url=None,
                  redoc_url=None)
    add_docs(app)
    add_errors(app)
    add_search(app, searcher)
    add_browsing(app, searcher)
    return app


def add_errors(app: FastAPI) -> None:
    """Library errors and bad parameters as 4xx {"error": "..."}."""
    @app.exception_handler(ArchiveError)
    async def archive_error(request: Request, exc: ArchiveError) -> JSONResponse:
        return error(status_of(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: "
                    f"{e.get('msg')}" for e in exc.errors()]
        return error(400, "; ".join(problems))


def add_search(app: FastAPI, searcher: Searcher) -> None:
    @app.get("/search", summary="Search: the JSON of `archive search --json`")
    def search(q: Annotated[list[str], Query(description="The question (repeat for several)")],
               k: Annotated[int, Query(description=f"Hits per query, 1 to {MAX_K}")] = 10,
               mode: Annotated[str, Query(description=" | ".join(MODES))] = "hybrid",
               speaker: Annotated[str | None, Query(description="Only passages quoting "
                                                    "this person")] = None,
               date_from: Annotated[str | None, Query(alias="from",
                                                      description="YYYY-MM-DD")] = None,
               date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
               outlet: Annotated[list[str], Query(description="Only these outlets")] = (),
               article: Annotated[list[str], Query(description="Only these articles")] = (),
               fold: Annotated[bool, Query(description="Fold near-identical passages")] = True,
               include_undated: Annotated[bool, Query(description="With from/to, also "
                                                      "passages of undated articles")] = False,
               ) -> JSONResponse:
        validate(mode, k)
        filters = make_filters(date_from, date_to, outlet, article,
                               include_undated=include_undated)
        answers = [searcher.ask(query, k=k, mode=mode, filters=filters, speaker=speaker,
                                fold=fold).to_json(query) for query in q]
        return JSONResponse(answers[0] if len(answers) == 1 else answers)


def add_browsing(app: FastAPI, searcher: Searcher) -> None:
    """/speakers, /people/{name}, /articles/{article_id}, /stats: no model needed."""
    @app.get("/speakers", summary="Who is quoted: `archive speakers --json`")
    def speakers() -> JSONResponse:
        return JSONResponse(searcher.backend.people())

    @app.get("/people/{name}", summary="A person (name or alias) with their quotes by date")
    def person(name: Annotated[str, Path(description="Name or alias")]) -> JSONResponse:
        backend = searcher.backend
        found = find_person(backend.people(), name)
        if found is None:
            return error(404, f"no one named {name!r} is quoted in this archive; "
                              "GET /speakers lists who is")
        return JSONResponse({"person": found, "quotes": backend.quotes_by(found["name"])})

    @app.get("/articles/{article_id}", summary="An article with its passages")
    def article(article_id: str) -> JSONResponse:
        found = searcher.article(article_id)
        if found is None:
            return error(404, f"no article {article_id!r} in this archive; article ids are "
                              "in every search hit (article_id)")
        return JSONResponse(found)

    @app.get("/stats", summary="Counts, model, build: `archive stats --json`")
    def stats() -> JSONResponse:
        return JSONResponse(searcher.backend.stats())


def run_server(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API until interrupted (uvicorn, one process, one shared Searcher)."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")
