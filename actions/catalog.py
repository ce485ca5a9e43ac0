"""Which tools an agent may call: the ``AgentTool`` rows (edited in the admin) that name a
registered tool."""

from __future__ import annotations

from actions.models import AgentTool
from actions.registry import Tool, tool_get
from agents.models import Agent


def agent_tools(*, agent: Agent) -> list[Tool]:
    """The agent's enabled tools, by name; a row naming no registered tool is skipped."""
    names = AgentTool.objects.filter(agent=agent, enabled=True).order_by("tool").values_list("tool", flat=True)
    return [tool for name in names if (tool := tool_get(name)) is not None]


def agent_tool(*, agent: Agent, name: object) -> Tool | None:
    """Tool ``name`` if ``agent`` may call it, else None (unknown, or not in its catalog)."""
    tool = tool_get(name)
    if tool is None or not AgentTool.objects.filter(agent=agent, tool=tool.name, enabled=True).exists():
        return None
    return tool
