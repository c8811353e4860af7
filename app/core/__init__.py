"""The pure core: parsing, querying and editing reading-notes indexes. Never imports Textual."""
