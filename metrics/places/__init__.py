"""Where people live: wards, neighbourhoods (PCN / practice), their gaps and the area profile page."""
