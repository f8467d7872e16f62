"""One entry point: the wallet at ``/``, the identity stub at ``/idp``, the fiscal stub at ``/fiscal``.

``flask --app app run`` and ``gunicorn app:app`` serve all three from one process; each
part keeps its own Flask app, config and database, and reaches the others only over
HTTP through the base URLs in its config. Unless ``APP_ENV`` says development or test,
the start is refused while any part still holds a development value, naming them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

import fiscal_stub
import identity_stub
import wallet
from common.settings import require_real_values
from fiscal_stub.config import SETTINGS as FISCAL_SETTINGS
from identity_stub.config import SETTINGS as IDP_SETTINGS
from wallet.config import SETTINGS as WALLET_SETTINGS


def part_cli(name: str, part: Flask) -> click.Group:
    """Expose a part's ``flask <name> …`` commands on the combined app, inside that part's context."""
    source = part.cli.commands[name]
    if not isinstance(source, click.Group):
        raise TypeError(f"flask {name} is not a command group")

    @click.group(name, help=source.help)
    @click.pass_context
    def group(ctx: click.Context) -> None:
        ctx.with_resource(part.app_context())

    for command in source.commands.values():
        group.add_command(command)
    return group


def build_app(
    wallet_config: Mapping[str, Any] | None = None,
    idp_config: Mapping[str, Any] | None = None,
    fiscal_config: Mapping[str, Any] | None = None,
) -> Flask:
    require_real_values(
        [(WALLET_SETTINGS, wallet_config), (IDP_SETTINGS, idp_config), (FISCAL_SETTINGS, fiscal_config)]
    )
    main = wallet.create_app(wallet_config)
    idp = identity_stub.create_app(idp_config)
    fiscal = fiscal_stub.create_app(fiscal_config)
    mounted = DispatcherMiddleware(main.wsgi_app, {"/idp": idp, "/fiscal": fiscal})
    main.wsgi_app = mounted  # type: ignore[method-assign]  # Flask's documented hook for WSGI middleware
    hops = int(os.environ.get("WEB_PROXY_HOPS") or 0)
    if hops:  # behind load balancers: client address and scheme from their X-Forwarded-* headers
        main.wsgi_app = ProxyFix(main.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]  # as above
    main.extensions["parts"] = {"wallet": main, "idp": idp, "fiscal": fiscal}
    main.cli.add_command(part_cli("idp", idp))
    main.cli.add_command(part_cli("fiscal", fiscal))
    return main


app = build_app()
