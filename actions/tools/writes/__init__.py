"""Write tools: proposed by the model, run once a person approved (actions.services.proposals).

``propose`` checks the arguments against the shop's data now and writes nothing; ``execute`` runs
the change through the bookings services staff use, so their rules hold. Registered on import.
"""

from actions.registry import tool_register
from actions.tools.writes import appointments, campaigns, catalog

for _tool in [*appointments.TOOLS, *catalog.TOOLS, *campaigns.TOOLS]:
    tool_register(_tool)
