"""`/-/plugins`: the plugins of this deployment as a plain page (what `plugins` answers)."""

from __future__ import annotations

from html import escape

import pluggy
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tmis.plugins import plugin_infos


def plugins_page(pm: pluggy.PluginManager):  # noqa: ANN201 - a Starlette endpoint
    infos = plugin_infos(pm)
    rows = "".join(
        f"<tr><td>{escape(p.name)}</td><td>{escape(p.version)}</td><td>{escape(', '.join(p.hooks))}</td></tr>"
        for p in infos
    )
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>TMIS 插件</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
        f"<h1>已加载的插件（{len(infos)}）</h1>"
        f"<table border=1 cellpadding=4><tr><th>名称</th><th>版本</th><th>实现的钩子</th></tr>{rows}</table>"
        + ("<p>未启用任何省级插件（TMIS_PLUGINS）。</p>" if not infos else "")
        + "</body></html>"
    )

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(body, headers={"cache-control": "no-cache"})

    return page
