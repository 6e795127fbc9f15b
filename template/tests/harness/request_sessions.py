"""How each request of a test gets its database session: the `request_session` fixture's type."""

from collections.abc import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

RequestSession = Callable[[], AsyncIterator[AsyncSession]]


def sessions_of_their_own(sessionmaker: async_sessionmaker[AsyncSession]) -> RequestSession:
    """Every request gets a new session from `sessionmaker`, closed when the request ends."""

    async def session_of_its_own() -> AsyncIterator[AsyncSession]:
        async with sessionmaker() as session:
            yield session

    return session_of_its_own
