"""AWS adapters: the only modules that talk to boto3. Clients are created by the caller once and passed in."""

from newsingest.storage.events import ArticleEvents, EventNotPublished
from newsingest.storage.items import ArticleItem
from newsingest.storage.objects import ArticleObjects
from newsingest.storage.repository import ArticleRepository, VersionConflict

__all__ = ["ArticleEvents", "ArticleItem", "ArticleObjects", "ArticleRepository", "EventNotPublished",
           "VersionConflict"]
