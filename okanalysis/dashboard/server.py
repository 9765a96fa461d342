"""Serve the circle dashboards with Voila, configured for people rather than developers.

`serve` starts Voila on the dashboards folder only (`notebooks/dashboards`): sources stripped,
no tracebacks (the notebooks show a Thai/English message instead), kernels preheated so the
page is ready at once, idle kernels culled, and no URL parameter can switch the template or
theme. By default it listens on 127.0.0.1 and refuses any other Host header; `lan=True` listens
on the network and requires a token, printed with the address. With a certificate and its key
(`certfile`, `keyfile`; `self_signed` makes a pair for a district server) it serves HTTPS, so
the token and the circle's records do not cross the district Wi-Fi in clear. Raw data is
computed into results once, in a child process, before serving (`with_results`); the kernels
read only the results. The results folder, the data folder and the circle store reach the
kernels as environment variables (`OKANALYSIS_RESULTS`, `OKANALYSIS_DATA`,
`OKANALYSIS_CIRCLES`).

Serving in the background, with a browser, for tests, benchmarks and screenshots is in
`tests/support` (the library never imports playwright).

`voila_config` is the whole configuration as one dictionary, so it can be read and tested.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okanalysis.core import paths
from okanalysis.core.errors import InputError

PACKAGE_DIR = paths.PACKAGE_DIR
#: The folder of dashboard notebooks; nothing outside it is served.
DASHBOARDS_DIR = paths.DASHBOARDS_DIR
#: The Voila template (in okanalysis/voila/templates): lab, without fonts from the internet.
TEMPLATE = "okanalysis"
#: Environment variables the dashboard kernels read.
DATA_ENV, STORE_ENV, TOKEN_ENV = paths.DATA_ENV, paths.CIRCLES_ENV, paths.TOKEN_ENV
RESULTS_ENV = paths.RESULTS_ENV
#: Tells the kernels where plotly's widget code is served (see `dashboard.kit.figure_widget`).
BUNDLE_ENV = paths.BUNDLE_ENV
#: Where plotly's widget code is served once, so every figure on a page shares one copy.
PLOTLY_BUNDLE_ROUTE = "okanalysis/static/"
PLOTLY_BUNDLE_FILE = "widgetbundle.js"
DEFAULT_PORT = 8866
#: An idle kernel (its page closed) is stopped after this many seconds.
CULL_IDLE_SECONDS = 900
#: The files `self_signed` writes, and how long its certificate is valid.
CERT_NAME, KEY_NAME = "okanalysis.crt", "okanalysis.key"
SELF_SIGNED_DAYS = 730
#: Printed when the dashboards are open to the network without TLS.
UNENCRYPTED_WARNING = (
    "คำเตือน: การรับส่งข้อมูลไม่ได้เข้ารหัส ทุกคนในเครือข่าย Wi-Fi เดียวกันอ่านรหัส token "
    "และบันทึกวงเรียนรู้ได้ ใช้ --certfile และ --keyfile (สร้างได้ด้วย --self-signed โฟลเดอร์) / "
    "WARNING: traffic is unencrypted: anyone on the same Wi-Fi can read the token and the "
    "circle's records; use --certfile and --keyfile (make them with --self-signed DIR)"
)
#: Shown instead of a traceback when a notebook cell fails.
FRIENDLY_ERROR = (
    "ขออภัย หน้านี้แสดงผลไม่ได้ โปรดแจ้งทีมวิชาการ (รายละเอียดอยู่ในบันทึกของเครื่องแม่ข่าย) / "
    "Sorry, this page could not be shown; please tell the academic team (details are in the "
    "server log)."
)


def default_data_path() -> Path:
    """The data folder: $OKANALYSIS_DATA, else ./data/demo."""
    return paths.data_dir()


@dataclass(frozen=True)
class ServerSettings:
    """What `serve` needs: the data, the store, where to listen and, on a network, the token."""

    data: Path
    store: Path
    port: int = DEFAULT_PORT
    lan: bool = False
    token: str = ""
    notebooks: Path = DASHBOARDS_DIR
    pool_size: int = 1
    cull_idle_seconds: int = CULL_IDLE_SECONDS
    certfile: Path | None = None
    keyfile: Path | None = None
    #: The results folder the kernels read (`with_results` fills it from `data`).
    results: Path | None = None
    #: A district pack's parameters folder (the kernels read the pack's rubric and parameters).
    parameters: Path | None = None
    #: The district of a pack served (None for a province's data or results).
    pack: str | None = None
    #: The province of a folder of several to serve (None: 80, or the results' own).
    province: str | None = None

    @property
    def ip(self) -> str:
        return "0.0.0.0" if self.lan else "127.0.0.1"

    @property
    def tls(self) -> bool:
        """Whether the dashboards are served over HTTPS."""
        return self.certfile is not None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"


def settings(
    data: str | os.PathLike[str] | None = None,
    *,
    store: str | os.PathLike[str] | None = None,
    port: int = DEFAULT_PORT,
    lan: bool = False,
    token: str | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    certfile: str | os.PathLike[str] | None = None,
    keyfile: str | os.PathLike[str] | None = None,
    province: str | None = None,
) -> ServerSettings:
    """Check the options and fill the defaults: a missing data or dashboards folder, a bad port,
    a LAN server without a token, or a certificate without its key (or one that cannot be
    used) are refused here, before anything starts.

    A district pack (`okanalysis pack`: its folder or its `.zip`, unpacked once beside itself)
    is served from itself: its results, its parameters, and its own store (made on the first
    opening on this machine) unless `store` names another."""
    from okanalysis.circles import store as circles
    from okanalysis.pack.opening import is_pack, open_pack

    data_path = Path(data) if data is not None else default_data_path()
    if not data_path.exists():
        raise InputError(
            "ไม่พบข้อมูล โปรดระบุ --data หรือสร้างข้อมูลสาธิตด้วย make demo",
            "data not found; give --data or build the demo with `make demo`",
            file=str(data_path),
        )
    folder = Path(notebooks) if notebooks is not None else DASHBOARDS_DIR
    if not (folder / "circle.ipynb").is_file():
        raise InputError(
            "ไม่พบโฟลเดอร์แดชบอร์ด (notebooks/dashboards)",
            "the dashboards folder (notebooks/dashboards) is missing",
            file=str(folder),
        )
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InputError("พอร์ตต้องเป็น 1-65535", "the port must be 1-65535", value=port)
    if lan:
        token = token or os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
        if len(token) < 16:
            raise InputError(
                "รหัสเข้าใช้ (token) ต้องยาวอย่างน้อย 16 ตัวอักษร",
                "the token must be at least 16 characters long",
                value="*" * len(token),
            )
    pack = open_pack(data_path) if is_pack(data_path) else None
    if pack is not None and province not in (None, ""):
        raise InputError(
            "ชุดข้อมูลอำเภอมีอำเภอเดียว ไม่ต้องระบุ --province",
            "a district pack holds one district: --province is not for packs",
            column="--province",
            value=province,
        )
    if pack is not None:
        data_path = pack.path
        store_path = Path(store) if store is not None else pack.store
    else:
        store_path = Path(store) if store is not None else circles.default_path()
    s = ServerSettings(
        data=data_path.resolve(),
        store=store_path.resolve(),
        port=port,
        lan=lan,
        token=(token or "") if lan else "",
        notebooks=folder.resolve(),
        certfile=Path(certfile).resolve() if certfile else None,
        keyfile=Path(keyfile).resolve() if keyfile else None,
        results=pack.results if pack is not None else None,
        parameters=pack.parameters if pack is not None else None,
        pack=pack.district if pack is not None else None,
        province=province or None,
    )
    if certfile or keyfile:
        ssl_context(s)  # refuses a missing, unreadable or mismatched pair now
    return s


def ssl_context(s: ServerSettings) -> ssl.SSLContext | None:
    """The TLS context of a server with a certificate (TLS 1.2 or later), else None."""
    if s.certfile is None and s.keyfile is None:
        return None
    if s.certfile is None or s.keyfile is None:
        raise InputError(
            "ต้องระบุทั้ง --certfile (ใบรับรอง) และ --keyfile (กุญแจ)",
            "give both --certfile (the certificate) and --keyfile (its key)",
            file=str(s.certfile or s.keyfile),
        )
    for path, th, en in ((s.certfile, "ใบรับรอง", "certificate"), (s.keyfile, "กุญแจ", "key")):
        if not path.is_file():
            raise InputError(f"ไม่พบไฟล์{th}", f"the {en} file is missing", file=str(path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(s.certfile, s.keyfile)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise InputError(
            "ใช้ใบรับรองกับกุญแจนี้ไม่ได้ (อ่านไม่ได้ ไม่ใช่ PEM หรือกุญแจไม่ตรงกับใบรับรอง)",
            f"cannot use this certificate and key (unreadable, not PEM, or the key does not "
            f"match the certificate: {exc})",
            file=str(s.certfile),
        ) from exc
    return context


#: The dashboard a pack's server does not preheat (see `voila_config`).
PACK_UNHEATED = "district.ipynb"


def voila_config(s: ServerSettings) -> dict[str, dict[str, Any]]:
    """The Voila configuration for people: every setting in one place."""
    return {
        "Voila": {
            "ip": s.ip,
            "port": s.port,
            "port_retries": 0,  # a busy port is an error, not a silent move
            "open_browser": False,
            "root_dir": str(s.notebooks),
            "token": s.token if s.lan else None,
            "config_file_paths": [],  # no stray voila.json can change these settings
            # on 127.0.0.1 refuse other Host headers (DNS rebinding); on a LAN the token guards
            "tornado_settings": {"allow_remote_access": s.lan},
        },
        "VoilaConfiguration": {
            "strip_sources": True,
            "show_tracebacks": False,
            "preheat_kernel": True,
            "default_pool_size": s.pool_size,
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            "template": TEMPLATE,
            "theme": "light",
            "file_allowlist": [r".*\.(png|jpg|svg)"],
            "file_denylist": [r".*\.(ipynb|py|json|sqlite|csv|xlsx|parquet)"],
            "http_keep_alive_timeout": 10,
        },
        "VoilaExecutor": {
            "show_tracebacks": False,
            "cell_error_instruction": FRIENDLY_ERROR,
            "startup_timeout": 120,
        },
        "MappingKernelManager": {
            "cull_idle_timeout": s.cull_idle_seconds,
            "cull_interval": 60,
            "cull_connected": False,  # a page still open keeps its kernel
            "cull_busy": False,
        },
        # on a laptop serving a pack (one facilitator, a few GB) only the circle screen keeps
        # a kernel ready: the scorecard starts its own when opened, a few seconds later, and
        # the server with a circle page and the scorecard open holds one kernel less
        "VoilaKernelManager": {"preheat_denylist": [PACK_UNHEATED] if s.pack else []},
    }


def environment(s: ServerSettings) -> dict[str, str]:
    """The variables the server and its kernels (which inherit them) read: the data, the
    store, where plotly's widget code is served, and the Jupyter path that finds the
    okanalysis Voila template (`okanalysis/voila/templates/okanalysis`)."""
    import plotly

    bundle = f"/{PLOTLY_BUNDLE_ROUTE}{PLOTLY_BUNDLE_FILE}?v={plotly.__version__}"
    found = [str(PACKAGE_DIR), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {
        DATA_ENV: str(s.data),
        STORE_ENV: str(s.store),
        BUNDLE_ENV: bundle,
        "JUPYTER_PATH": os.pathsep.join(dict.fromkeys(found)),
        **({RESULTS_ENV: str(s.results)} if s.results is not None else {}),
        **({paths.PARAMETERS_ENV: str(s.parameters)} if s.parameters is not None else {}),
    }


def with_results(s: ServerSettings) -> ServerSettings:
    """The settings with the results folder the kernels read: `data` itself when it is one,
    else the results built (or reused) from the raw data in a child process, so neither this
    process nor any kernel holds the raw province (`dashboard.source`)."""
    import dataclasses

    from okanalysis.dashboard.source import results_path

    if s.results is not None:
        return s
    return dataclasses.replace(s, results=results_path(s.data, quiet=False, province=s.province))


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def addresses(s: ServerSettings) -> dict[str, str]:
    """The addresses to open: the circle dashboard and the district scorecard."""
    host = lan_address() if s.lan else "127.0.0.1"
    query = f"?token={s.token}" if s.lan else ""
    base = f"{s.scheme}://{host}:{s.port}/voila/render/"
    return {
        "circle": f"{base}circle.ipynb{query}",
        "district": f"{base}district.ipynb{query}",
    }


def _application(config: dict[str, dict[str, Any]], tls: ssl.SSLContext | None = None) -> Any:
    """A Voila application with the plotly widget code served once, by a route that needs the
    same login as the dashboards, query parameters that try to pick a template or theme
    refused outright (a new kernel per such request would bypass the preheated pool), and,
    with a TLS context, HTTPS (Voila's own server has no certificate option)."""
    import plotly
    import tornado.web
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from traitlets.config import Config
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class DashboardHandler(TornadoVoilaHandler):
        async def prepare(self) -> None:
            if {"template", "theme"} & set(self.request.arguments):
                raise tornado.web.HTTPError(400, "template and theme cannot be changed")
            result = super().prepare()
            if result is not None:
                await result
            # Set the _xsrf cookie: the page sends it when it closes, asking Voila to stop its
            # kernel; without it that request is refused and the kernel (the whole province in
            # memory) stays until culled.
            _ = self.xsrf_token

    class BundleHandler(JupyterHandler, tornado.web.StaticFileHandler):
        """plotly's widget code, to the same logged-in pages only (no XSRF token: a module
        import cannot send one, and a GET of a static file changes nothing)."""

        @tornado.web.authenticated
        def get(self, path: str, include_body: bool = True) -> Any:
            return tornado.web.StaticFileHandler.get(self, path, include_body)

    class DashboardVoila(Voila):
        def init_handlers(self) -> list:
            handlers = [
                (route, DashboardHandler if h is TornadoVoilaHandler else h, *rest)
                for route, h, *rest in super().init_handlers()
            ]
            route = url_path_join(self.server_url, PLOTLY_BUNDLE_ROUTE + r"(widgetbundle\.js)")
            folder = Path(plotly.__file__).parent / "package_data"
            return [(route, BundleHandler, {"path": str(folder)}), *handlers]

        def listen(self) -> None:
            if tls is not None:  # tornado's server takes the context Voila does not pass
                self.app.listen = functools.partial(self.app.listen, ssl_options=tls)
            super().listen()

        def _url(self, ip: str) -> str:
            url = super()._url(ip)
            return url.replace("http://", "https://", 1) if tls is not None else url

    return DashboardVoila(config=Config(config))


def banner(s: ServerSettings) -> str:
    """What `serve` prints: the addresses to open, the data, the store and who can connect."""
    where = addresses(s)
    if s.lan and s.tls:
        reach = (
            "เปิดให้เครื่องอื่นในเครือข่ายใช้ได้ เข้ารหัสด้วย TLS (https) ต้องใช้ที่อยู่ที่มีรหัส token ข้างบน /"
            " open to the local network, encrypted (HTTPS): the token above is required\n"
        )
    elif s.lan:
        reach = (
            "เปิดให้เครื่องอื่นในเครือข่ายใช้ได้ ต้องใช้ที่อยู่ที่มีรหัส token ข้างบน /"
            " open to the local network: the token above is required\n"
            f"{UNENCRYPTED_WARNING}\n"
        )
    else:
        reach = "เปิดเฉพาะเครื่องนี้ / this computer only (use --lan for the local network)\n"
    if s.tls:
        reach += (
            f"ใบรับรอง / certificate: {s.certfile} (SHA-256 {certificate_fingerprint(s.certfile)})\n"
        )
    return (
        f"แดชบอร์ดวงเรียนรู้ / circle dashboard:   {where['circle']}\n"
        f"ตารางคะแนนอำเภอ / district scorecard:   {where['district']}\n"
        f"ข้อมูล / data: {s.data}\nผลลัพธ์ / results: {s.results}\n"
        + (
            f"ชุดข้อมูลอำเภอ / district pack: {s.pack} (ไม่ต้องใช้เครือข่าย / no network needed;"
            f" พารามิเตอร์ / parameters: {s.parameters})\n"
            if s.pack
            else ""
        )
        + f"บันทึกวงเรียนรู้ / circle store: {s.store}\n"
        + reach
        + "หยุดด้วย Ctrl+C / stop with Ctrl+C"
    )


def certificate_fingerprint(certfile: Path) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as browsers show it (AB:CD:...)."""
    der = ssl.PEM_cert_to_DER_cert(Path(certfile).read_text(encoding="ascii"))
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def self_signed(
    folder: str | os.PathLike[str], *, days: int = SELF_SIGNED_DAYS
) -> tuple[Path, Path]:
    """A self-signed certificate for this computer as a district server: `folder/okanalysis.crt`
    and its key `folder/okanalysis.key` (readable by its owner only), valid `days` days, for
    this computer's LAN address, its name, localhost and 127.0.0.1. An existing pair is
    never overwritten. Browsers warn once; compare the fingerprint `serve` prints."""
    import datetime as dt
    import ipaddress
    import re

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    for path in (cert_path, key_path):
        if path.exists():
            raise InputError(
                "มีใบรับรองอยู่แล้ว จะไม่เขียนทับ (ลบออกก่อน หรือเลือกโฟลเดอร์อื่น)",
                "a certificate is already there and is not overwritten "
                "(delete it first, or choose another folder)",
                file=str(path),
            )
    address, host = lan_address(), socket.gethostname()
    ips = {ipaddress.ip_address("127.0.0.1")}
    dns = {"localhost"}
    try:
        ips.add(ipaddress.ip_address(address))
    except ValueError:  # no network: lan_address gave the computer's name
        dns.add(address)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", host):
        dns.add(host)
    names = [x509.IPAddress(ip) for ip in sorted(ips, key=str)]
    names += [x509.DNSName(name) for name in sorted(dns)]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, address),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "okanalysis dashboard (self-signed)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        fh.write(pem)
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def serve(s: ServerSettings) -> int:
    """Run the dashboards until interrupted (Ctrl+C); prints the addresses to open."""
    s = with_results(s)
    os.environ.update(environment(s))
    app = _application(voila_config(s), ssl_context(s))
    app.initialize([str(s.notebooks)])
    print(banner(s), flush=True)
    app.start()
    return 0


__all__ = [
    "DASHBOARDS_DIR",
    "DATA_ENV",
    "STORE_ENV",
    "TOKEN_ENV",
    "ServerSettings",
    "addresses",
    "banner",
    "certificate_fingerprint",
    "default_data_path",
    "environment",
    "self_signed",
    "serve",
    "settings",
    "ssl_context",
    "voila_config",
    "with_results",
]
