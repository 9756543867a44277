"""Pages of the domain: communities, teams, cycles."""
