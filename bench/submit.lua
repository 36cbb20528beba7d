-- wrk script for bench/submit: one JSON submission per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"Matti Meikäläinen","email":"matti@example.fi","topic":"roads",' ..
           '"message":"Aurakadulla on syvä kuoppa kohdassa Aurakatu 12.","consent":true}'
