"""The number of SQL queries a request made, in an `X-Query-Count` header (installed by BENCH=1 only)."""

from django.db import connection


class QueryCountMiddleware:
    """Counts with an execute wrapper, so it works with DEBUG off (connection.queries stays empty there).

    The wrapper is per thread, like the connection: concurrent requests in gthread workers count apart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
