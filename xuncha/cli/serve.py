"""``xuncha serve``: the workspace (工作台) over the database the runs write.

    xuncha serve [--host 127.0.0.1] [--port 8000] [--db URL] [--https] [--lang zh|en]

The session key comes from XUNCHA_SECRET_KEY; without it a random key is made for this process
(sessions end when it stops). For production run ``xuncha.web.asgi:app`` under uvicorn or
gunicorn behind nginx (README).
"""

from __future__ import annotations

import click

from xuncha.cli.common import DB_HELP, LANG


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--db", default=None, help=DB_HELP)
@click.option("--https", is_flag=True, help="Served over HTTPS (by a proxy): Secure cookies.")
@click.option("--lang", type=LANG, default="zh", show_default=True)
def serve(host: str, port: int, db: str | None, https: bool, lang: str) -> None:
    """工作台: serve the workspace (sites, findings, actions, look-back, ledger)."""
    import uvicorn

    from xuncha.web.app import SECRET_ENV, Settings, create_app, secret_from_environment

    secret, made_up = secret_from_environment()
    app = create_app(Settings(db_url=db, secret=secret, https=https, lang=lang))
    if made_up:
        click.echo(f"未设置 {SECRET_ENV}：本次使用临时密钥，服务停止后所有登录失效。", err=True)
    click.echo(f"巡查工作台：http://{host}:{port}/ （Ctrl+C 停止）", err=True)
    uvicorn.run(
        app, host=host, port=port, proxy_headers=True, log_level="warning", server_header=False
    )
