# The same store through nginx and through Apache httpd (issue 20): both
# servers run at once on one store, and every public answer and admin read
# is the same, byte for byte, status, ETag and body (the same Host asked of
# both, since absolute URLs carry it). A submission through either server
# gets the next receipt of the one store, and both list it the same.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep);
use Civic::Test;
use Civic::Forms qw(token_of urlencode);


my $definitions = <<'END';
    civic_calendar culture {
        title fi "Kulttuuritapahtumat"; title sv "Kulturevenemang"; title en "Culture events";
        description fi "Turun kulttuuri"; languages fi sv en;
        timezone Europe/Helsinki;
        refresh 6h;
    }
    civic_calendar sport { languages en; timezone UTC; }
    civic_form feedback {
        title fi "Palaute"; title sv "Respons"; title en "Feedback";
        languages fi sv en;
        receipt_prefix PAL;
        min_fill_time 0;
        json_submissions on;
        field name text { required; max_length 200; label fi "Nimi"; label sv "Namn"; label en "Name"; }
        field topic select {
            label fi "Aihe"; label en "Topic";
            option roads fi "Kadut" en "Streets";
            option parks fi "Puistot" en "Parks";
        }
        field message textarea { required; label fi "Viesti"; label en "Message"; }
    }
END
my $locations = <<'END';
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
        location /admin/ { client_max_body_size 10m; civic_admin; }
END

my $nginx = Civic::Test->new(server => 'nginx', workers => 2, http => <<"END");
    civic_store %%STORE%% max_size=64m;
$definitions
    server {
        listen %%ADDR%%;
$locations
    }
END
$nginx->start;
my $store = $nginx->store;

# Apache on the very same store (no store of its own).
my $apache = Civic::Test->new(server => 'apache', workers => 2, init_store => 0, http => <<"END");
    civic_store $store max_size=64m;
$definitions
    server {
        listen %%ADDR%%;
$locations
    }
END
$apache->start;

my $json = JSON::PP->new->utf8->canonical;
my @events;
for my $i (1 .. 40) {
    my $day = sprintf('2027-02-%02d', 1 + $i % 27);
    push @events, {
        id => "e$i",
        name => { fi => "Tapahtuma $i", sv => "Evenemang $i", ($i % 3 ? (en => "Event $i") : ()) },
        description => { fi => "<p>Kuvaus <b>$i</b> – ääkköset</p>" },
        start_time => "${day}T1" . ($i % 10) . ':00:00+02:00',
        end_time => "${day}T1" . ($i % 10) . ':45:00+02:00',
        keywords => [ $i % 2 ? 'music' : 'theatre', ($i % 5 ? () : 'family') ],
        location => { id => 'place:' . ($i % 4), name => { fi => 'Paikka ' . ($i % 4), sv => 'Plats ' . ($i % 4) },
                      street_address => { fi => "Katu $i" }, postal_code => '20100',
                      position => { type => 'Point', coordinates => [22.26 + $i / 1000, 60.45] } },
        offers => [ { is_free => ($i % 2 ? JSON::PP::true : JSON::PP::false), ($i % 2 ? () : (price => { fi => "$i €" })) } ],
        ($i == 7 ? (recurrence => { rrule => 'FREQ=WEEKLY;COUNT=6' }) : ()),
        ($i == 9 ? (event_status => 'EventCancelled') : ()),
    };
}
# Written through nginx: Apache reads what nginx wrote.
my $r = $nginx->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                     content => $json->encode(\@events));
is($r->{status}, 200, 'events imported through nginx') or diag($r->{content});
$r = $apache->put('/admin/calendars/sport/events/match', headers => { 'Content-Type' => 'application/json' },
                  content => $json->encode({ name => { en => 'Match' }, start_time => '2027-02-10T18:00:00Z' }));
is($r->{status}, 201, 'an event written through Apache') or diag($r->{content});

my $host = 'tapahtumat.example.fi';
my @requests = (
    [ '/calendars/' ],
    [ '/calendars/culture.ics' ],
    [ '/calendars/culture.ics?lang=sv' ],
    [ '/calendars/culture.ics?keyword=music&start=2027-02-01&end=2027-02-15' ],
    [ '/calendars/culture.ics?text=tapahtuma%201' ],
    [ '/calendars/culture', { Accept => 'application/calendar+json' } ],
    [ '/calendars/culture', { Accept => 'application/calendar+xml' } ],
    [ '/calendars/culture.json' ],
    [ '/calendars/culture.json?page=2&page_size=7&sort=-start_time' ],
    [ '/calendars/culture.json?start=2027-02-01&end=2027-03-31&include=location,keywords' ],
    [ '/calendars/culture.json?location=place:1&lang=sv' ],
    [ '/calendars/culture.json?last_modified_since=2020-01-01T00:00:00Z&show_deleted=true' ],
    [ '/calendars/culture/events/e7.ics' ],
    [ '/calendars/culture/events/e7.json' ],
    [ '/calendars/culture/places.json' ],
    [ '/calendars/culture/keywords.json' ],
    [ '/calendars/culture/places/place:2.json' ],
    [ '/calendars/culture.html?start=2027-02-01&end=2027-03-31', { 'Accept-Language' => 'sv' } ],
    [ '/calendars/culture/events/e3.html?lang=en' ],
    [ '/calendars/sport.ics' ],
    [ '/calendars/nosuch.ics' ],
    [ '/calendars/culture.ics?start=yesterday' ],
    [ '/calendars/culture', { Accept => 'image/png' } ],
    [ '/forms/feedback.json' ],
    [ '/forms/nosuch' ],
    [ '/admin/calendars/culture/events/e5' ],
    [ '/admin/nothing' ],
);

# A GET with the Host asked of both (HTTP::Tiny keeps Host to itself):
# {status, headers (lower-case names), content}.
sub answer_of {
    my ($t, $path, $headers) = @_;
    my $request = "GET $path HTTP/1.1\r\nHost: $host\r\nConnection: close\r\nUser-Agent: civic-tests\r\n"
        . join('', map { "$_: $headers->{$_}\r\n" } sort keys %{ $headers || {} }) . "\r\n";
    my $raw = $t->raw_request($request);
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.1 (\d{3})};
    my %h;
    for my $line (split /\r\n/, $head // '') {
        $h{lc $1} = $2 if $line =~ /^([\w-]+):\s*(.*)$/;
    }
    $body //= '';
    if (($h{'transfer-encoding'} // '') eq 'chunked') {
        my $whole = '';
        while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $whole .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $whole;
    }
    return { status => $status // 0, headers => \%h, content => $body };
}

sub same_answers {
    my ($what) = @_;
    for my $req (@requests) {
        my ($path, $headers) = @$req;
        my $n = answer_of($nginx, $path, $headers);
        my $a = answer_of($apache, $path, $headers);
        my $name = "$what: $path" . ($headers ? ' (' . join(', ', map { "$_: $headers->{$_}" } sort keys %$headers) . ')' : '');
        ok($n->{status} >= 200 && $n->{status} < 600, "$name: nginx answered ($n->{status})");
        is($a->{status}, $n->{status}, "$name: the same status ($n->{status})");
        is($a->{headers}{etag} // '', $n->{headers}{etag} // '', "$name: the same ETag");
        is($a->{headers}{'content-type'} // '', $n->{headers}{'content-type'} // '', "$name: the same Content-Type");
        # A form's schema carries a fresh token (its time and a nonce): the
        # rest is the same, and each server takes the other's (below).
        s/"token":"[\w-]+"/"token":"..."/ for $a->{content}, $n->{content};
        ok($a->{content} eq $n->{content}, "$name: the same body, byte for byte (" . length($n->{content}) . ' bytes)')
            or diag("nginx:\n" . substr($n->{content}, 0, 400) . "\napache:\n" . substr($a->{content}, 0, 400));
    }
}

same_answers('read');
ok(length(answer_of($nginx, '/calendars/culture.ics')->{content}) > 5000, 'the feed compared is a real one');

# A 304 from both for the ETag either gave.
my $etag = answer_of($nginx, '/calendars/culture.ics')->{headers}{etag};
for my $t ($nginx, $apache) {
    my $r = answer_of($t, '/calendars/culture.ics', { 'If-None-Match' => $etag });
    is($r->{status}, 304, $t->server_name . ': 304 for the other server\'s ETag');
    is($r->{content}, '', $t->server_name . ': no body with the 304');
}

# Submissions through both servers, each with a token the other made: one
# store, one secret, one sequence of receipts.
my @receipts;
for my $t ($nginx, $apache, $nginx, $apache) {
    my $other = $t == $nginx ? $apache : $nginx;
    my $token = token_of($other->get('/forms/feedback?lang=fi')->{content});
    my $r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json', Accept => 'application/json' },
                     content => $json->encode({ _token => $token, name => 'Matti ' . $t->server_name,
                                                topic => 'parks', message => 'Penkki on rikki' }));
    is($r->{status}, 201, $t->server_name . ': submission stored') or diag($r->{content});
    push @receipts, eval { $json->decode($r->{content})->{receipt} } // '';
}
my @seq = map { /-(\d+)$/ ? $1 + 0 : 0 } @receipts;
is_deeply(\@seq, [1, 2, 3, 4], 'the receipts follow one another across the servers') or diag("@receipts");

push @requests, [ '/admin/forms/feedback/submissions' ], [ '/admin/forms/feedback/submissions.csv' ],
    [ "/admin/forms/feedback/submissions/$receipts[1]" ], [ '/admin/forms/feedback/submissions.xml' ];
same_answers('after the submissions');

# An erasure through Apache: nginx no longer has it either.
$r = $apache->delete("/admin/forms/feedback/submissions/$receipts[0]");
is($r->{status}, 204, 'Apache erases a submission');
is($nginx->get("/admin/forms/feedback/submissions/$receipts[0]")->{status}, 404, 'nginx does not find it then');
same_answers('after an erasure');

done_testing;
