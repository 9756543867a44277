"""The knowledge-flow engine: how PDSA learning travels between school and district teams."""
