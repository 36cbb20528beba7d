# Recurring events far ahead, and the work one query may do: a series never
# loses occurrences as time passes (it is expanded from the window asked
# for, not from its start), a range without end lists series two years
# ahead, a query that would expand more than one request may is refused, and
# rules more often than hourly or with too long a COUNT are refused when
# written.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use POSIX qw(strftime tzset);
use Civic::Test;
use Civic::ICal qw(ical_ok);

my $t = Civic::Test->new(workers => 1, http => <<'END');
    civic_store %%STORE%% max_size=256m;
    civic_calendar culture {
        languages fi en;
        timezone  Europe/Helsinki;
    }
    civic_calendar weekly {
        languages fi;
        timezone  Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 20m; civic_admin; }
    }
END
$t->start;

my %json = ('Content-Type' => 'application/json');
sub put_event {
    my ($cal, $id, $event) = @_;
    return $t->put("/admin/calendars/$cal/events/$id", headers => \%json, content => encode_json($event));
}
sub list {
    my ($cal, $query) = @_;
    my $r = $t->get("/calendars/$cal.json?$query");
    is($r->{status}, 200, "GET $cal.json?$query") or diag($r->{content});
    return decode_json($r->{content});
}

# ---- an hourly series from 2026-01-01: every day has its 24 hours, years on
my $r = put_event('culture', 'hourly', { name => { fi => 'Joka tunti' }, start_time => '2026-01-01T00:00:00+02:00',
                                         end_time => '2026-01-01T00:30:00+02:00',
                                         recurrence => { rrule => 'FREQ=HOURLY' } });
is($r->{status}, 201, 'an hourly series without an end');
for my $day (qw(2028-04-12 2028-04-13 2028-04-14 2029-01-15 2030-06-01 2040-01-01)) {
    is(list('culture', "start=$day&end=$day&page_size=100")->{meta}{count}, 24, "$day: 24 occurrences");
}
my $doc = list('culture', 'start=2030-06-01&end=2030-06-01&page_size=1&page=13');
is($doc->{data}[0]{start_time}, '2030-06-01T12:00:00+03:00', 'the 13th of them at noon');
is($doc->{data}[0]{recurrence_id}, '2030-06-01T12:00:00+03:00', 'with its recurrence_id');

$r = $t->get('/calendars/culture/events/hourly.json?recurrence_id=2030-06-01T12:00:00%2B03:00');
is($r->{status}, 200, 'that occurrence by recurrence_id');
is(decode_json($r->{content})->{start_time}, '2030-06-01T12:00:00+03:00', 'with its own start');
is($t->get('/calendars/culture/events/hourly.json?recurrence_id=2040-01-01T05:00:00Z')->{status}, 200,
   'one in 2040 too');
is($t->get('/calendars/culture/events/hourly.json?recurrence_id=2040-01-01T05:30:00Z')->{status}, 404,
   'but no occurrence at half past');

for my $range (['2029-01-01', '2029-01-31'], ['2040-06-01', '2040-06-02']) {
    $r = $t->get("/calendars/culture.ics?start=$range->[0]&end=$range->[1]");
    is($r->{status}, 200, "the .ics for $range->[0] to $range->[1]");
    like($r->{content}, qr/^UID:hourly\r$/m, 'has the series')
        and is_deeply([ical_ok($r->{content}, "the .ics for $range->[0]")], ['hourly'], 'and only it');
}

# ---- a query that needs more expansion than one request may do
$r = $t->get('/calendars/culture.json?start=2030-01-01&end=2060-01-01');
is($r->{status}, 400, 'thirty years of an hourly series in one list: 400');
my $err = eval { decode_json($r->{content}) } // {};
is($err->{field}, 'end', 'naming end');
like($err->{error} // '', qr/more occurrences of recurring events than one request may expand.*shorter range/,
     'and saying why');
$r = $t->get('/calendars/culture.ics?start=2030-01-01&end=2060-01-01');
is($r->{status}, 200, 'the .ics for the same range needs only the first of them');
like($r->{content}, qr/^UID:hourly\r$/m, 'and has the series')
    and is_deeply([ical_ok($r->{content}, 'the .ics for thirty years')], ['hourly'], 'and only it');

# ---- ten weekly series without an end, and a range without end
my @events;
for my $i (1 .. 10) {
    push @events, { id => "w$i", name => { fi => "Sarja $i" }, keywords => ['series'],
                    start_time => sprintf('2026-01-%02dT18:00:00+02:00', $i),
                    end_time => sprintf('2026-01-%02dT19:00:00+02:00', $i), recurrence => { rrule => 'FREQ=WEEKLY' } };
}
push @events, { id => 'soon', name => { fi => 'Pian' }, start_time => '2027-03-01T12:00:00+02:00' },
              { id => 'later', name => { fi => 'Myöhemmin' }, start_time => '2035-03-01T12:00:00+02:00' },
              { id => 'past', name => { fi => 'Ohi' }, start_time => '2025-03-01T12:00:00+02:00' };
$r = $t->post('/admin/calendars/weekly/events', headers => \%json, content => encode_json(\@events));
is($r->{status}, 200, 'ten weekly series and three events') or diag($r->{content});

# Today and two years on, in Helsinki.
$ENV{TZ} = 'Europe/Helsinki';
tzset();
my @today = localtime;
my $today = strftime('%Y-%m-%d', @today);
my $horizon = sprintf('%04d-%s', $today[5] + 1900 + 2, strftime('%m-%d', @today));

$doc = list('weekly', 'start=today&page_size=5&_=1');
my $count = $doc->{meta}{count};
# 104 or 105 occurrences of each series in two years, and the two events ahead.
ok($count >= 10 * 104 + 2 && $count <= 10 * 105 + 2, "start=today: $count items, not 200,000");
is(scalar @{ $doc->{data} }, 5, 'a page of five');
$doc = list('weekly', 'start=today&keyword=series&sort=-start_time&page_size=1');
my $last = substr($doc->{data}[0]{start_time}, 0, 10);
ok($last lt $horizon && $last ge strftime('%Y-%m-%d', localtime(time + 2 * 365 * 86400 - 9 * 86400)),
   "the last occurrence listed ($last) is within a week before $horizon");
$doc = list('weekly', 'start=today&sort=-start_time&page_size=1');
is($doc->{data}[0]{id}, 'later', 'a single event later than that is still listed');
$doc = list('weekly', 'start=2031-03-01&keyword=series&sort=-start_time&page_size=1');
like($doc->{data}[0]{start_time}, qr/^2033-02-2/, 'from a later start, two years after it');
is(list('weekly', 'start=2031-03-01&end=2031-03-31&keyword=series')->{meta}{count}, 10 * 4 + 4,
   'in March 2031 (five Saturdays, Sundays, Mondays and Tuesdays): 44, expanded past what was stored');

$r = $t->get('/calendars/weekly.ics?start=today');
is($r->{status}, 200, 'the .ics with start=today');
is_deeply([sort(ical_ok($r->{content}, 'weekly.ics?start=today'))], [sort(qw(later soon), map { "w$_" } 1 .. 10)],
          'has every series and the events ahead');

# ---- rules the store does not take
my $every_minute = 'FREQ=DAILY;BYMINUTE=' . join(',', 0 .. 59);
for my $rule ($every_minute, 'FREQ=DAILY;BYSECOND=0,30', 'FREQ=HOURLY;BYMINUTE=0,30') {
    $r = put_event('culture', 'fast', { name => { fi => 'Liian usein' }, start_time => '2026-12-01T10:00:00+02:00',
                                        recurrence => { rrule => $rule } });
    is($r->{status}, 422, "$rule: 422");
    $err = decode_json($r->{content});
    is($err->{field}, 'recurrence.rrule', 'naming the rule');
    like($err->{error}, qr/more often than hourly/, 'more often than hourly');
}
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
              content => join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT',
                              'UID:fast-ics', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261201T100000Z',
                              'RRULE:FREQ=DAILY;BYMINUTE=0,15,30,45', 'SUMMARY:x', 'END:VEVENT', 'END:VCALENDAR', ''));
is($r->{status}, 422, 'the same in an .ics import: 422');
like(decode_json($r->{content})->{error}, qr/more often than hourly/, 'more often than hourly');
$r = put_event('culture', 'long', { name => { fi => 'Pitkä' }, start_time => '2026-12-01T10:00:00+02:00',
                                    recurrence => { rrule => 'FREQ=DAILY;COUNT=5001' } });
is($r->{status}, 422, 'COUNT=5001: 422');
like(decode_json($r->{content})->{error}, qr/COUNT outside 1 to 5000/, 'naming the range');
$r = put_event('culture', 'never', { name => { fi => 'Ei koskaan' }, start_time => '2026-12-01T10:00:00+02:00',
                                     recurrence => { rrule => 'FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30' } });
is($r->{status}, 422, 'a monthly rule that matches no date: 422');
$r = put_event('culture', 'long', { name => { fi => 'Pitkä' }, start_time => '2026-12-01T10:00:00+02:00',
                                    end_time => '2026-12-01T11:00:00+02:00',
                                    recurrence => { rrule => 'FREQ=DAILY;COUNT=5000' } });
is($r->{status}, 201, 'COUNT=5000 is stored');
$doc = list('culture', 'start=2040-08-08&end=2040-08-08&text=pitk');
is($doc->{meta}{count}, 1, 'and all of it listed, 13 years on');
is(list('culture', 'start=2040-08-09&end=2040-08-09&text=pitk')->{meta}{count}, 0, 'and nothing after its last');

# ---- query messages name the range
$r = $t->get('/calendars/culture.json?page=2147483648');
is($r->{status}, 400, 'page=2147483648: 400');
like(decode_json($r->{content})->{error}, qr/from 1 to 1000000/, 'naming the pages there can be');
$r = $t->get('/calendars/culture.json?start=2399-12-31');
is($r->{status}, 400, 'start=2399-12-31: 400');
like(decode_json($r->{content})->{error}, qr/in the years 1900 to 2199/, 'naming the years');

done_testing;
