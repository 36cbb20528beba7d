# $civic_receipt (issue 11): the demo's log_format over every kind of
# request. The variable holds the receipt of the submission a request stored
# and is empty ("-" in the log) for every other request, whatever handler
# answered it; reading it never crashes the worker.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;

Civic::Test::nginx_only("\$civic_receipt is an nginx variable");
use Civic::Forms qw(feedback_form token_of urlencode multipart png_bytes);

my $form = feedback_form(min_fill => 0, confirm => 'message');
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
    civic_calendar culture { languages fi en; timezone Europe/Helsinki; }
$form
    log_format civic '\$remote_addr [\$time_local] "\$request" \$status \$civic_receipt';
    server {
        listen %%ADDR%%;
        access_log %%PREFIX%%/logs/civic.log civic;
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
$t->start;
my ($worker) = $t->worker_pids;
my $json = JSON::PP->new->utf8;

# Each request as a user makes it; what the log must show for it.
my @expected;  # [request line pattern, status, receipt or undef]
sub made {
    my ($method, $path, $r, $receipt) = @_;
    push @expected, [$method, $path, $r->{status}, $receipt];
    return $r;
}

my $event = $json->encode({ name => { fi => 'Konsertti' }, start_time => '2026-12-05T18:00:00+02:00',
                            timezone => 'Europe/Helsinki' });
my $r = made(PUT => '/admin/calendars/culture/events/e1',
             $t->put('/admin/calendars/culture/events/e1', content => $event,
                     headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 201, 'an event is written through the admin API');
$r = made(PUT => '/admin/calendars/culture/events/e1',
          $t->put('/admin/calendars/culture/events/e1', content => $event =~ s/Konsertti/Konsertti 2/r,
                  headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 200, 'and updated');
my $ics = join "\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', 'BEGIN:VEVENT', 'UID:e2',
    'DTSTAMP:20261101T000000Z', 'DTSTART:20261201T100000Z', 'SUMMARY:Imported', 'END:VEVENT', 'END:VCALENDAR', '';
$r = made(POST => '/admin/calendars/culture/events',
          $t->post('/admin/calendars/culture/events', content => $ics, headers => { 'Content-Type' => 'text/calendar' }));
is($r->{status}, 200, 'an .ics import');
$r = made(POST => '/admin/calendars/culture/events',
          $t->post('/admin/calendars/culture/events', content => '[' . ($event =~ s/^\{/{"id":"e3",/r) . ']',
                   headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 200, 'a JSON import');
$r = made(PUT => '/admin/calendars/culture/events/bad',
          $t->put('/admin/calendars/culture/events/bad', content => '{"name":',
                  headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 400, 'a refused event write');
is(made(GET => '/admin/calendars/culture/events/e1', $t->get('/admin/calendars/culture/events/e1'))->{status}, 200,
   'an admin read');
is(made(GET => '/admin/status', $t->get('/admin/status'))->{status}, 200, 'the status');

for my $path ('/calendars/', '/calendars/culture.ics', '/calendars/culture.json?start=2026-12-01',
              '/calendars/culture/events/e1.json', '/calendars/nosuch.ics') {
    made(GET => $path, $t->get($path));
}
made(GET => '/calendars/culture', $t->get('/calendars/culture', headers => { Accept => 'application/calendar+json' }));

my $page = made(GET => '/forms/feedback', $t->get('/forms/feedback'));
is($page->{status}, 200, 'a form page');
made(GET => '/forms/feedback.json', $t->get('/forms/feedback.json'));
my %answers = (name => 'Maija', email => 'maija@example.fi', topic => 'roads', message => 'Kuoppa', consent => 'yes');
$r = made(POST => '/forms/feedback',
          $t->post('/forms/feedback', content => urlencode(%answers, _token => token_of($page->{content})),
                   headers => { 'Content-Type' => 'application/x-www-form-urlencoded' }));
my ($browser_receipt) = $r->{content} =~ /\b(PAL-\d{4}-[0-9A-Z]{1,8}-\d{6})\b/;
ok($browser_receipt, 'a browser submission gets a receipt') or diag($r->{status});
$expected[-1][3] = $browser_receipt;
$r = made(POST => '/forms/feedback',
          $t->post('/forms/feedback', content => $json->encode(\%answers),
                   headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 201, 'a JSON submission');
my $json_receipt = $json->decode($r->{content})->{receipt};
$expected[-1][3] = $json_receipt;
my $boundary = 'b0undary';
$page = made(GET => '/forms/feedback', $t->get('/forms/feedback'));  # a fresh token: the first one was used
$r = made(POST => '/forms/feedback',
          $t->post('/forms/feedback', content => multipart($boundary, %answers, _token => token_of($page->{content}),
                                                           photo => { filename => 'p.png', type => 'image/png',
                                                                      content => png_bytes() }),
                   headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary", Accept => 'application/json' }));
is($r->{status}, 201, 'a submission with a file');
my $file_receipt = $json->decode($r->{content})->{receipt};
$expected[-1][3] = $file_receipt;
$r = made(POST => '/forms/feedback',
          $t->post('/forms/feedback', content => $json->encode({ name => 'x' }),
                   headers => { 'Content-Type' => 'application/json' }));
is($r->{status}, 422, 'a refused submission');

my $list = "/admin/forms/feedback/submissions";
is(made(GET => $list, $t->get($list))->{status}, 200, 'the submissions list');
is(made(GET => "$list.csv", $t->get("$list.csv"))->{status}, 200, 'a CSV export');
is(made(GET => "$list.xml", $t->get("$list.xml"))->{status}, 200, 'an XML export');
is(made(HEAD => "$list.csv", $t->head("$list.csv"))->{status}, 200, 'a HEAD of an export');
is(made(GET => "$list/$json_receipt", $t->get("$list/$json_receipt"))->{status}, 200, 'one submission');
is(made(GET => "$list/$file_receipt/files/photo", $t->get("$list/$file_receipt/files/photo"))->{status}, 200,
   'its file');
is(made(DELETE => "$list/$json_receipt", $t->delete("$list/$json_receipt"))->{status}, 204, 'an erasure');
is(made(DELETE => '/admin/calendars/culture/events/e2', $t->delete('/admin/calendars/culture/events/e2'))->{status},
   204, 'an event deletion');
made(GET => '/nowhere', $t->get('/nowhere'));

# The worker that answered everything is still the same process.
is_deeply([$t->worker_pids], [$worker], 'no worker died on the way');
unlike($t->error_log, qr/exited on signal/, 'no worker exited on a signal');

# The access log: one line per request, in order, the receipt only on the
# submissions that stored one.
$t->stop;
my @lines = split /\n/, Civic::Test::read_file($t->prefix . '/logs/civic.log');
is(scalar @lines, scalar @expected, 'one log line per request');
for my $i (0 .. $#expected) {
    my ($method, $path, $status, $receipt) = @{ $expected[$i] };
    my $line = $lines[$i] // '';
    my ($logged_request, $logged_status, $logged_receipt) = $line =~ /"([^"]*)" (\d{3}) (\S+)$/;
    is($logged_request, "$method $path HTTP/1.1", "line $i is $method $path");
    is($logged_status, $status, "with its status $status");
    is($logged_receipt, $receipt // '-', "and " . ($receipt ? "its receipt $receipt" : 'no receipt'));
}

$t->finish;
done_testing();
