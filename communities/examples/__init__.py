"""Example data: the invented DEMO communities (see ``communities.examples.demo``)."""
