"""The Decisions page: proposals, polls and elections, their tallies, votes and assemblies."""
