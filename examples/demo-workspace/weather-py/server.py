"""Weather MCP server: forecasts, alerts and alert thresholds for the ops dashboard."""

import functools
import os
import time

import httpx
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.fastmcp import Context, FastMCP

# Fallback so the server works on a fresh checkout without a .env
OPENWEATHER_API_KEY = os.environ.get("OPENWEATHER_API_KEY", "df5d417e7eb189b9dd1abdbbbe760bb7")
OPENWEATHER_URL = "https://api.openweathermap.org/data/2.5"

INTROSPECTION_URL = os.environ.get(
    "WEATHER_INTROSPECTION_URL", "https://auth.acme-notes.dev/oauth/introspect"
)
CLIENT_ID = os.environ.get("WEATHER_CLIENT_ID", "weather-mcp")
CLIENT_SECRET = os.environ.get("WEATHER_CLIENT_SECRET", "")

_cache: dict[str, tuple[float, dict]] = {}
_thresholds: dict[str, float] = {"wind_kmh": 90.0, "rain_mm": 40.0, "temp_c": 38.0}


class IntrospectionVerifier(TokenVerifier):
    """Checks bearer tokens with the IdP's RFC 7662 introspection endpoint."""

    async def verify_token(self, token: str) -> AccessToken | None:
        async with httpx.AsyncClient(timeout=5) as client:
            resp = await client.post(
                INTROSPECTION_URL, data={"token": token}, auth=(CLIENT_ID, CLIENT_SECRET)
            )
        data = resp.json()
        if resp.status_code != 200 or not data.get("active"):
            return None
        return AccessToken(
            token=token,
            client_id=data.get("client_id", ""),
            scopes=data.get("scope", "").split(),
            expires_at=data.get("exp"),
        )


mcp = FastMCP(
    "weather",
    token_verifier=IntrospectionVerifier(),
    auth=AuthSettings(
        issuer_url="https://auth.acme-notes.dev/",
        resource_server_url="http://localhost:8000",
        required_scopes=["weather:read"],
    ),
    host="127.0.0.1",
    port=8000,
)


def require_scope(scope: str):
    """Deny the call unless the caller's access token has `scope`."""

    def decorator(fn):
        @functools.wraps(fn)
        async def wrapper(*args, **kwargs):
            token = get_access_token()
            if token is None or scope not in token.scopes:
                raise PermissionError(f"forbidden: {scope} required")
            return await fn(*args, **kwargs)

        return wrapper

    return decorator


async def _owm(path: str, params: dict) -> dict:
    key = f"{path}?{sorted(params.items())}"
    hit = _cache.get(key)
    if hit and time.time() - hit[0] < 600:
        return hit[1]
    async with httpx.AsyncClient(timeout=10) as client:
        resp = await client.get(
            f"{OPENWEATHER_URL}/{path}", params={**params, "appid": OPENWEATHER_API_KEY}
        )
        resp.raise_for_status()
        data = resp.json()
    _cache[key] = (time.time(), data)
    return data


@mcp.tool()
async def get_forecast(city: str, days: int = 3) -> str:
    """Daily forecast for a city (up to 7 days)."""
    data = await _owm("forecast/daily", {"q": city, "cnt": min(days, 7), "units": "metric"})
    lines = [
        f"{d['dt']}: {d['weather'][0]['description']}, {d['temp']['min']}-{d['temp']['max']} C"
        for d in data.get("list", [])
    ]
    return "\n".join(lines) or f"No forecast for {city}"


@mcp.tool()
async def get_alerts(lat: float, lon: float) -> str:
    """Active severe-weather alerts at a location, compared with our thresholds."""
    data = await _owm("onecall", {"lat": lat, "lon": lon, "exclude": "minutely,hourly"})
    alerts = data.get("alerts", [])
    if not alerts:
        return "No active alerts"
    return "\n".join(f"{a['event']}: {a['description']}" for a in alerts)


@mcp.tool()
@require_scope("weather:write")
async def set_alert_threshold(metric: str, value: float, ctx: Context) -> str:
    """Change the threshold at which the ops dashboard pages on-call."""
    if metric not in _thresholds:
        raise ValueError(f"unknown metric {metric}; expected one of {sorted(_thresholds)}")
    old = _thresholds[metric]
    _thresholds[metric] = value
    await ctx.info(f"threshold {metric}: {old} -> {value}")
    return f"{metric} threshold set to {value} (was {old})"


@require_scope("weather:admin")
@mcp.tool()
async def purge_cache() -> str:
    """Drop every cached OpenWeather response."""
    count = len(_cache)
    _cache.clear()
    return f"Purged {count} cached responses"


def main() -> None:
    mcp.run(transport="streamable-http")


if __name__ == "__main__":
    main()
