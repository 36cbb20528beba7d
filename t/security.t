# Security (issue 7): nothing of the admin API outside civic_admin, ids that
# stay in their calendar, no header injection, every user text escaped in
# every page.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form token_of urlencode);

my $form = feedback_form(min_fill => 0, confirm => 'message');
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
    civic_calendar culture { languages fi sv en; timezone Europe/Helsinki; title fi "<b>Kulttuuri</b>"; }
    civic_calendar sports { languages fi; timezone Europe/Helsinki; }
$form
    civic_form labels {
        languages en;
        min_fill_time 0;
        title en "<script>alert('title')</script>";
        field a text { label en "<img src=x onerror=alert(1)>"; help en "\\"><svg onload=alert(2)>"; }
    }
    server {
        listen %%ADDR%%;
        location /admin/ { deny all; civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
$t->start;

# Events come in through civicctl: the admin API is closed here.
my $ics = join "\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN',
    'BEGIN:VEVENT', 'UID:e1', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261201T100000Z', 'SUMMARY:Culture one',
    'END:VEVENT', 'END:VCALENDAR', '';
my ($rc, $out, $err) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $t->store, 'import', 'culture', '-'], input => $ics);
is($rc, 0, 'an event imported with civicctl') or diag($err);
($rc, $out, $err) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $t->store, 'import', 'sports', '-'],
    input => $ics =~ s/UID:e1/UID:s1/r =~ s/Culture one/Sports one/r);
is($rc, 0, 'and one in another calendar') or diag($err);

# --- The admin API is only where civic_admin is, and nginx's access control holds.
is($t->get('/admin/status')->{status}, 403, 'the admin location answers only as nginx allows');
is($t->request('PUT', '/admin/calendars/culture/events/x', content => '{}')->{status}, 403, 'admin writes too');
is($t->get('/calendars/../admin/status')->{status}, 403, 'dot segments do not get around it');
is($t->get('/calendars/%2e%2e/admin/status')->{status}, 403, 'nor encoded dot segments');

for my $path ('/calendars/culture/events/e1', '/calendars/culture/events/e1.ics', '/calendars/culture',
              '/calendars/culture.ics', '/calendars/culture/events', '/forms/feedback.json') {
    for my $method (qw(PUT POST DELETE PATCH)) {
        my $r = $t->request($method, $path, content => '{"name":{"fi":"x"},"start_time":"2026-12-01"}',
                            headers => { 'Content-Type' => 'application/json' });
        ok($r->{status} == 405 || $r->{status} == 404, "$method $path is refused ($r->{status})");
    }
}
for my $path ('/forms/feedback/submissions', '/forms/feedback/submissions.csv', '/calendars/culture/status',
              '/forms/status', '/calendars/status') {
    my $r = $t->get($path);
    ok($r->{status} == 404, "GET $path is not an admin function ($r->{status})");
}
like($t->get('/calendars/culture/events/e1.ics')->{content}, qr/SUMMARY[^:]*:Culture one/, 'the event is unchanged');

# --- Ids stay in their calendar.
is($t->get('/calendars/sports/events/e1.ics')->{status}, 404, "one calendar's event is not found in another");
is($t->get('/calendars/culture/events/s1.ics')->{status}, 404, 'nor the other way round');
for my $id ('..%2Fsports%2Fevents%2Fs1', '%2E%2E%2Fsports%2Fs1', 'e1%00', 'e1%00x', '..', 's1%2F..%2F..%2Fsports%2Fs1') {
    my $r = $t->get("/calendars/culture/events/$id.ics");
    ok($r->{status} == 404 || $r->{status} == 400, "event id $id does not leave the calendar ($r->{status})");
    unlike($r->{content}, qr/Sports one/, "and shows nothing of the other calendar ($id)");
}
is($t->get('/calendars/nosuch.ics')->{status}, 404, 'an unknown calendar is 404');
like($t->get('/calendars/culture%00.ics')->{status}, qr/^40[04]$/, 'a calendar name with NUL is refused');

# --- No header injection through ids, languages or receipts.
for my $path ('/calendars/culture/events/e1%0D%0AX-Injected:%20yes.ics',
              '/calendars/culture.ics?lang=fi%0D%0AX-Injected:%20yes',
              '/forms/feedback?lang=fi%0D%0AX-Injected:%20yes',
              '/calendars/culture/events/e1.ics?x=%0D%0AX-Injected:%20yes') {
    my $raw = $t->raw_request("GET $path HTTP/1.0\r\nHost: localhost\r\n\r\n");
    my ($head) = split /\r\n\r\n/, $raw, 2;
    unlike($head, qr/^X-Injected/mi, "no injected header from $path");
    like($raw, qr{^HTTP/1\.\d (200|400|404) }, "a plain answer for $path");
}

# --- Every user-supplied text is escaped in every page.
my @payloads = (
    q{<script>alert(1)</script>},
    q{"><img src=x onerror=alert(2)>},
    q{'><svg onload=alert(3)>},
    q{</textarea><script>alert(4)</script>},
    q{javascript:alert(5)//<a href="x">},
);
sub leaks {
    my ($html) = @_;
    my @found;
    for my $p (@payloads) {
        # Each payload's markup must not appear as markup.
        for my $bad ('<script>', '<img src=x', '<svg onload', '</textarea><script', '<a href="x">') {
            push @found, $bad if index($p, $bad) >= 0 && index($html, $bad) >= 0;
        }
    }
    return @found;
}

for my $lang (qw(fi sv en)) {
    my $page = $t->get("/forms/feedback?lang=$lang");
    my $token = token_of($page->{content});
    for my $p (@payloads) {
        # An invalid submission (bad email): the form comes back with the values kept.
        my $r = $t->post("/forms/feedback?lang=$lang",
            headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
            content => urlencode(_token => $token, name => $p, email => $p, topic => $p, other_topic => $p,
                                 message => $p, postcode => $p, hetu => $p, consent => $p, website => ''));
        is($r->{status}, 422, "a bad submission in $lang comes back ($p)");
        is_deeply([ leaks($r->{content}) ], [], "no payload unescaped in the error page ($lang, $p)");
        like($r->{content}, qr/&lt;|&quot;|&#/, "the payload is there, escaped ($lang)");
    }
    # An accepted one: the confirmation page shows no payload either.
    my $r = $t->post("/forms/feedback?lang=$lang",
        headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
        content => urlencode(_token => token_of($t->get("/forms/feedback?lang=$lang")->{content}),
                             name => $payloads[0], email => 'a@example.fi', topic => 'roads',
                             message => $payloads[1], consent => 'yes', website => ''));
    is($r->{status}, 201, "an accepted submission with payloads in $lang");
    is_deeply([ leaks($r->{content}) ], [], "no payload in the confirmation page ($lang)");
}

# Texts from the configuration are escaped too.
my $labels = $t->get('/forms/labels')->{content};
unlike($labels, qr/<script>alert\('title'\)/, 'a title with markup is escaped');
unlike($labels, qr/<img src=x/, 'a label with markup is escaped');
unlike($labels, qr/<svg onload/, 'a help text with markup is escaped');
like($labels, qr/&lt;img src=x onerror=alert\(1\)&gt;/, 'and shown as text');

# JSON answers carry markup only inside JSON strings, as JSON.
my $list = $t->get('/calendars/');
is($list->{headers}{'content-type'}, 'application/json', 'the calendar list is JSON');
is(decode_json($list->{content})->{data}[0]{title}{fi} // decode_json($list->{content})->{data}[1]{title}{fi},
   '<b>Kulttuuri</b>', 'and its texts read back exactly');

done_testing;
