# The agenda for people (issue 19, item 3): /calendars/{cal}.html, and
# /calendars/{cal} for a browser (Accept: text/html), in the visitor's
# language: days as headings, times, places, prices, links to each event's
# page; a filter form of the feeds' own parameters; paging; subscribe links;
# ETag and 304 as the feeds; the city's page_layout around it. Then Debian's
# Chromium uses it without JavaScript, and axe-core finds no violations on
# the list and an event page.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use Encode qw(decode_utf8);
use JSON::PP;
use Civic::Test;
use Civic::E2E qw(require_browser run_browser);

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=16m;
    civic_calendar culture {
        title fi "Kulttuuri"; title sv "Kultur"; title en "Culture";
        languages fi sv en;
        timezone Europe/Helsinki;
    }
    civic_calendar city {
        title fi "Kaupunki";
        languages fi;
        timezone Europe/Helsinki;
        page_layout %%PREFIX%%/conf/city.html;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
$t->write_file('conf/city.html', Encode::encode_utf8(<<'END'));
<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} – Esimerkkikaupunki</title></head>
<body><header><p>Esimerkkikaupungin sivut</p></header><main>{{content}}</main><footer>© Esimerkkikaupunki</footer></body></html>
END
$t->start;

my $json = JSON::PP->new->utf8;
my @events = (
    { id => 'concert', name => { fi => 'Joulun konsertti', sv => 'Julkonsert', en => 'Christmas concert' },
      start_time => '2027-03-05T18:00:00+02:00', end_time => '2027-03-05T20:00:00+02:00',
      location => { id => 'tprek:1', name => { fi => 'Musiikkitalo', sv => 'Musikhuset' },
                    street_address => { fi => 'Mannerheimintie 13a' }, postal_code => '00100',
                    address_locality => { fi => 'Helsinki' } },
      offers => [ { is_free => JSON::PP::false, price => { fi => '15 €' } } ], keywords => ['musiikki'],
      description => { fi => '<p>Joululauluja <b>kuorolle</b>.</p><p>Tervetuloa!</p>' },
      info_url => { fi => 'https://example.fi/konsertti' } },
    { id => 'fair', name => { fi => 'Kevätmarkkinat' }, start_time => '2027-03-12', end_time => '2027-03-13',
      offers => [ { is_free => JSON::PP::true } ] },
    { id => 'weekly', name => { fi => 'Kuoroharjoitus', en => 'Choir practice' }, start_time => '2027-03-01T17:00:00+02:00',
      end_time => '2027-03-01T18:30:00+02:00', recurrence => { rrule => 'FREQ=WEEKLY;COUNT=4' } },
    { id => 'gone', name => { fi => 'Peruttu luento' }, start_time => '2027-03-20T12:00:00+02:00', event_status => 'EventCancelled' },
);
is($t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
            content => $json->encode(\@events))->{status}, 200, 'events in');
is($t->post('/admin/calendars/city/events', headers => { 'Content-Type' => 'application/json' },
            content => $json->encode([ $events[0] ]))->{status}, 200, 'and one in the city calendar');

my $march = 'start=2027-03-01&end=2027-03-31';
sub page { my ($path, %h) = @_; my $r = $t->get($path, headers => \%h); $r->{text} = decode_utf8($r->{content}); return $r }

my $r = page("/calendars/culture.html?$march", 'Accept-Language' => 'sv-FI, sv;q=0.9, en;q=0.5');
is($r->{status}, 200, 'the agenda');
like($r->{headers}{'content-type'}, qr{^text/html; charset=utf-8}, 'as HTML');
like($r->{text}, qr/<html lang="sv">/, 'in the visitor\'s language (Accept-Language)');
like($r->{text}, qr/<h1>Kultur<\/h1>/, 'the calendar\'s title');
like($r->{text}, qr/<h2>fredag 5 mars 2027<\/h2>/, 'days as headings, as Swedish writes them');
like($r->{text}, qr{<a href="http://[^"]+/calendars/culture/events/concert\.html">Julkonsert</a>}, 'an event linked to its page');
like($r->{text}, qr{<time datetime="2027-03-05T18:00:00\+02:00">18:00–20:00</time> · Musikhuset · 15 €}, 'its time, place and price');
like($r->{text}, qr{Kevätmarkkinat</a></h3><p><time datetime="2027-03-12">hela dagen</time> · Gratis}, 'an all-day free event');
is(() = $r->{text} =~ /Kuoroharjoitus/g, 4, 'each occurrence of a series on its day');
like($r->{text}, qr{<span class="civic-status">Inställt</span>}, 'a cancelled event says so');
like($r->{text}, qr{<label for="civic-text">Sökord</label><input id="civic-text" name="text" type="search">}, 'a filter form with labels');
like($r->{text}, qr{href="webcal://[^"]+/calendars/culture\.ics\?lang=sv"}, 'a webcal:// subscribe link, in the page\'s language');
like($r->{text}, qr{href="https://calendar\.google\.com/calendar/render\?cid=webcal%3A%2F%2F}, 'a Google Calendar one');
like($r->{text}, qr{href="https://outlook\.live\.com/calendar/0/addfromweb\?url=http%3A%2F%2F[^"]+&amp;name=Kultur"}, 'an Outlook one');

$r = page("/calendars/culture?$march&lang=en", Accept => 'text/html,application/xhtml+xml,*/*;q=0.8');
is($r->{status}, 200, 'a browser opening the calendar\'s URL gets the page');
like($r->{text}, qr/<html lang="en">/, 'lang= chooses the language');
like($r->{text}, qr/Christmas concert/, 'in English');
like($r->{text}, qr/Kevätmarkkinat/, 'a text without English falls back along the calendar\'s languages');
is($t->get('/calendars/culture', headers => { Accept => '*/*' })->{headers}{'content-type'}, 'text/calendar; charset=utf-8',
   'a calendar app (*/*) still gets the .ics');

# Filters, paging, validators
$r = page("/calendars/culture.html?$march&text=konsertti&lang=fi");
is(() = $r->{text} =~ /<article>/g, 1, 'text= filters the page as it filters the feeds');
like($r->{text}, qr{value="konsertti"}, 'the form shows the filter');
like($r->{text}, qr{href="webcal://[^"]+/calendars/culture\.ics\?text=konsertti&amp;lang=fi"}, 'and a subscribe link for it');
$r = page("/calendars/culture.html?$march&page_size=2&lang=fi");
like($r->{text}, qr{<nav class="civic-pages" aria-label="Sivut">.*rel="next">Seuraavat</a></nav>}s, 'paging');
like($r->{text}, qr/Sivu 1 \/ 4/, 'which page of how many');
is(page("/calendars/culture.html?$march&page=9")->{status}, 404, 'a page beyond the last is 404');
$r = $t->get("/calendars/culture.html?$march");
is($t->get("/calendars/culture.html?$march", headers => { 'If-None-Match' => $r->{headers}{etag} })->{status}, 304,
   'revalidated with its ETag');
like($r->{headers}{vary} // '', qr/Accept-Language/, 'Vary: Accept-Language');
is(page('/calendars/culture.html?start=soon')->{status}, 400, 'a malformed parameter is 400, as for the feeds');
$r = page('/calendars/culture.html');
like($r->{text}, qr/<h1>Kulttuuri<\/h1>/, 'without a range: the upcoming events');

# One event
$r = page('/calendars/culture/events/concert.html?lang=fi');
is($r->{status}, 200, 'an event\'s page');
like($r->{text}, qr{<h1>Joulun konsertti</h1>}, 'its name');
like($r->{text}, qr{<dd><time datetime="2027-03-05T18:00:00\+02:00">perjantai 5\. maaliskuuta 2027 18\.00–20\.00</time></dd>},
     'its day and time');
like($r->{text}, qr{<dd>Musiikkitalo, Mannerheimintie 13a, 00100 Helsinki</dd>}, 'its place and address');
like($r->{text}, qr{<p>Joululauluja kuorolle\.</p><p>Tervetuloa!</p>}, 'its description as text');
like($r->{text}, qr{<a href="https://example\.fi/konsertti">Lisätietoja</a>}, 'its link');
like($r->{text}, qr{<a href="http://[^"]+/calendars/culture/events/concert\.ics\?lang=fi" type="text/calendar">Lisää kalenteriin \(\.ics\)</a>},
     'an "add to calendar" link');
is($t->get('/calendars/culture/events/nope.html')->{status}, 404, 'no such event: 404');

# The city's layout
$r = page('/calendars/city.html?start=2027-03-01&end=2027-03-31');
like($r->{text}, qr{<title>Kaupunki – Esimerkkikaupunki</title>}, 'page_layout: the city\'s page, with the title');
like($r->{text}, qr{<header><p>Esimerkkikaupungin sivut</p></header><main><h1>Kaupunki</h1>}, 'the agenda in its place');
my $bad = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=8m;
    civic_calendar c { languages fi; timezone Europe/Helsinki; page_layout %%PREFIX%%/conf/none.html; }
END
my ($brc, $bout) = $bad->test_config;
isnt($brc, 0, 'nginx -t refuses a page_layout that cannot be read');
like($bout, qr/page_layout: cannot read ".*none\.html"/, 'naming it');

require_browser();
my ($rc, $out) = run_browser('agenda.mjs', 'http://' . $t->addr, '/calendars/culture', qw(fi sv en));
is($rc, 0, 'Chromium: the agenda works without JavaScript, and axe finds no violations') or diag($out);
done_testing;
