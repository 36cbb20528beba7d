# civicctl import / export / stat on a store nginx serves: an .ics imported
# then exported keeps every event, and both parsers read the export.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::ICal qw(ical_ok vevents unfold_ical);

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture {
        title fi "Kulttuuritapahtumat";
        languages fi sv en;
        timezone Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
    }
END


# Before nginx has run, the store does not know the calendar.
my ($rc, $out, $err) = $t->civicctl('import', 'culture', '/dev/null');
isnt($rc, 0, 'import before nginx ever ran fails');
like($err, qr/no calendar "culture"|not been initialized|No such file|no such directory|no civic store/, 'saying why');

# nginx -t checks the configuration and records nothing (issue 12): the
# running nginx's definitions are what civicctl uses.
my ($trc, $tout) = $t->test_config;
is($trc, 0, 'nginx -t passes') or diag($tout);
($rc, $out, $err) = $t->civicctl('import', 'culture', '/dev/null');
like($err, qr/no calendar "culture"/, 'and records no calendar in the store');
$t->start;
($rc, $out) = $t->civicctl('stat');
my $stat = decode_json($out);
is($stat->{store}{configuration}{file}, $t->conf_file, 'started, nginx records its configuration file');
like($stat->{store}{configuration}{recorded_time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'and when');

# A file as calendar apps write them: folded lines, a VTIMEZONE, UTC and
# floating times, an all-day event, a series with an EXDATE and a changed
# occurrence, a cancelled event, HTML in X-ALT-DESC.
my $ics = join "\r\n",
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Calendar 1.0//EN', 'METHOD:PUBLISH',
    'BEGIN:VTIMEZONE', 'TZID:Europe/Helsinki', 'BEGIN:STANDARD', 'DTSTART:19701025T040000',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', 'TZOFFSETFROM:+0300', 'TZOFFSETTO:+0200', 'END:STANDARD',
    'BEGIN:DAYLIGHT', 'DTSTART:19700329T030000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3', 'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0300', 'END:DAYLIGHT', 'END:VTIMEZONE',
    'BEGIN:VEVENT', 'UID:joulukonsertti-2026@example.org', 'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/Helsinki:20261205T180000', 'DTEND;TZID=Europe/Helsinki:20261205T200000',
    'SUMMARY:Joulukonsertti', 'DESCRIPTION:Perinteinen joulukonsertti. Liput 25 €\, opiskelijat 15 €.\nTervetuloa!',
    'LOCATION:Turun konserttitalo\, Aninkaistenkatu 9', 'GEO:60.4518;22.2686', 'CATEGORIES:musiikki,joulu',
    'URL:https://example.org/joulukonsertti', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:satutunti@example.org', 'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/Helsinki:20261103T100000', 'DURATION:PT45M', 'RRULE:FREQ=WEEKLY;UNTIL=20261215T080000Z',
    'EXDATE;TZID=Europe/Helsinki:20261124T100000', 'SUMMARY:Satutunti', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:satutunti@example.org', 'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Helsinki:20261208T100000', 'DTSTART;TZID=Europe/Helsinki:20261208T110000',
    'DTEND;TZID=Europe/Helsinki:20261208T114500', 'SUMMARY:Satutunti (joulu-erikoinen\, tunti myöhemmin)', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:markkinat@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20261211',
    'DTEND;VALUE=DATE:20261214', 'SUMMARY:Tuomaan markkinat', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:valoshow@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART:20261210T170000Z',
    'SUMMARY:Aurajoen valoshow', 'STATUS:CANCELLED', 'SEQUENCE:3', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:luento@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART:20261215T170000',
    'SUMMARY:Luento: Turun historia', 'X-ALT-DESC;FMTTYPE=text/html:<p>Luento <b>Turun</b> historiasta</p>',
    'DESCRIPTION;LANGUAGE=fi:Luento Turun historiasta hyvin pitkällä kuvauksella joka taitetaan usealle riville koska se on',
    '  pidempi kuin seitsemänkymmentäviisi oktettia ja sisältää ääkkösiä.',
    'END:VEVENT',
    'END:VCALENDAR', '';
my $file = $t->write_file('import.ics', $ics);
my @original = $ics =~ /^UID:(\S+)\r$/mg;

($rc, $out, $err) = $t->civicctl('import', 'culture', $file);
is($rc, 0, 'civicctl import succeeds') or diag($err);
is_deeply(decode_json($out), { created => 6, updated => 0, unchanged => 0 }, 'six events (a changed occurrence is its own)');
($rc, $out) = $t->civicctl('import', 'culture', $file);
is_deeply(decode_json($out), { created => 0, updated => 0, unchanged => 6 }, 'importing it again changes nothing');

($rc, $out, $err) = $t->civicctl('export', 'culture');
is($rc, 0, 'civicctl export succeeds') or diag($err);
my $export = $out;
my @exported = ical_ok($export, 'the export');
my %seen = map { $_ => 1 } @exported;
ok($seen{$_}, "the export keeps $_") for @original;
ok($seen{'satutunti@example.org_20261208T100000'}, 'and the changed occurrence, as an event of its own');
my %ev = map { /UID:([^\r]+)/; ($1 => $_) } vevents($export);
like($ev{'satutunti@example.org'}, qr/EXDATE;TZID=Europe\/Helsinki:20261124T100000,20261208T100000/,
     'the series skips the changed occurrence');
like($ev{'satutunti@example.org'}, qr/DTEND;TZID=Europe\/Helsinki:20261103T104500/, 'DURATION became DTEND');
like($ev{'valoshow@example.org'}, qr/STATUS:CANCELLED\r\nTRANSP/, 'the cancelled event is kept');
like($ev{'valoshow@example.org'}, qr/SEQUENCE:3\r\n/, 'its SEQUENCE is not lowered');
like($ev{'markkinat@example.org'}, qr/DTSTART;VALUE=DATE:20261211\r\nDTEND;VALUE=DATE:20261214\r\n/, 'all-day dates');
like($ev{'luento@example.org'}, qr/DTSTART;TZID=Europe\/Helsinki:20261215T170000/, 'a floating time is the calendar\'s');
like($ev{'luento@example.org'}, qr/DESCRIPTION;LANGUAGE=fi:Luento Turun historiasta\r\n/, 'HTML from X-ALT-DESC, as text');
like($ev{'luento@example.org'}, qr/X-ALT-DESC;FMTTYPE=text\/html;LANGUAGE=fi:<p>Luento <b>Turun<\/b> historiasta<\/p>\r\n/,
     'and as HTML');
like($ev{'joulukonsertti-2026@example.org'}, qr/DESCRIPTION;LANGUAGE=fi:Perinteinen joulukonsertti\. Liput 25 €\\, opiskelijat 15 €\.\\nTervetuloa!/,
     'plain-text descriptions keep their lines');

# The export imported again is the same calendar: nothing changes.
my $again = $t->write_file('again.ics', $export);
($rc, $out, $err) = $t->civicctl('import', 'culture', $again);
is($rc, 0, 'the export imports') or diag($err);
is(decode_json($out)->{unchanged}, 6, 'and changes nothing');

# nginx serves what civicctl wrote, and the same bytes as the export.
my $r = $t->get('/calendars/culture.ics');
is($r->{status}, 200, 'nginx serves the calendar');
is($r->{content}, $export, 'the feed is the export, byte for byte');
($rc, $out) = $t->civicctl('export', 'culture', '--lang', 'en');
is($rc, 0, 'export --lang en');
ical_ok($out, 'the English export');

# Import while nginx runs; the feed follows.
my $more = $t->write_file('more.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:new@example.org',
                                          'DTSTART:20261220T160000Z', 'SUMMARY:Uusi', 'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out) = $t->civicctl('import', 'culture', $more);
is(decode_json($out)->{created}, 1, 'an import while nginx runs');
my %now = map { $_ => 1 } ical_ok($t->get('/calendars/culture.ics')->{content}, 'the feed after it');
ok($now{'new@example.org'}, 'the feed has the new event');

# Errors: the file, the line, nothing imported.
my $bad = $t->write_file('bad.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:ok2',
                                         'DTSTART:20261220T160000Z', 'SUMMARY:ok', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:bad',
                                         'SUMMARY:x', 'DTSTART;TZID=Mars/Base:20261220T160000', 'END:VEVENT',
                                         'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $bad);
isnt($rc, 0, 'a bad file fails');
like($err, qr/bad\.ics:12: VEVENT: DTSTART: .*Mars\/Base.*nothing was imported/, 'naming file, line, component and property');
($rc, $out) = $t->civicctl('export', 'culture');
unlike($out, qr/UID:ok2/, 'the good event of that file was not imported either');
($rc, $out, $err) = $t->civicctl('import', 'nope', $file);
isnt($rc, 0, 'an unknown calendar fails');
like($err, qr/no calendar "nope"/, 'saying so');
($rc, $out, $err) = $t->civicctl('import', 'culture', '/nonexistent.ics');
like($err, qr/cannot read/, 'a missing file is named');

# stat counts the events.
($rc, $out) = $t->civicctl('stat');
is($rc, 0, 'civicctl stat');
is(decode_json($out)->{calendars}{culture}{events}, 7, 'and counts the events of each calendar');

# A file saved by Windows Notepad starts with a UTF-8 byte order mark.
my $bom = $t->write_file('bom.ics', "\xEF\xBB\xBF" . join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT',
                                                     'UID:bom@example.org', 'DTSTART:20261221T160000Z', 'SUMMARY:BOM',
                                                     'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $bom);
is($rc, 0, 'a file that starts with a byte order mark imports') or diag($err);
is(eval { decode_json($out)->{created} }, 1, 'its event created');

# JSON arrays import too.
my $json_file = $t->write_file('events.json', encode_json([{ id => 'json:1', name => { sv => 'Lucia' },
                                                          start_time => '2026-12-13T18:00:00+02:00' }]));
($rc, $out, $err) = $t->civicctl('import', 'culture', $json_file);
is($rc, 0, 'a JSON array imports') or diag($err);
is(decode_json($out)->{created}, 1, 'one created');

# Large files stream (issue 17): 2,500 events in batches of 1,000, with a
# bad one near the end refused before anything is written, and the same
# file again changing nothing; stdin works too.
sub events_json {
    my ($n, $bad_at) = @_;
    return encode_json([map {
        $_ == ($bad_at // -1)
            ? { id => "bulk:$_", name => { fi => 'Rikki' }, start_time => 'someday' }
            : { id => "bulk:$_", name => { fi => "Tapahtuma $_", sv => "Evenemang $_" },
                start_time => sprintf('2027-%02d-%02dT18:00:00+02:00', 1 + $_ % 12, 1 + $_ % 28) }
    } 0 .. $n - 1]);
}
my $before = decode_json(($t->civicctl('stat'))[1])->{calendars}{culture}{events};
my $broken = $t->write_file('broken.json', events_json(2500, 2400));
($rc, $out, $err) = $t->civicctl('import', 'culture', $broken);
isnt($rc, 0, 'a large file with a bad event near its end fails');
like($err, qr/broken\.json: \[2400\]\.start_time: .*\(nothing was imported\)/, 'naming the event, before anything was written');
is(decode_json(($t->civicctl('stat'))[1])->{calendars}{culture}{events}, $before, 'nothing was imported');
my $bulk = $t->write_file('bulk.json', events_json(2500));
($rc, $out, $err) = $t->civicctl('import', 'culture', $bulk);
is($rc, 0, '2,500 events import') or diag($err);
is(decode_json($out)->{created}, 2500, 'all created');
is(decode_json(($t->civicctl('stat'))[1])->{calendars}{culture}{events}, $before + 2500, 'and counted');
my ($src, $sout, $serr) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $t->store, 'import',
                                                    'culture', '-'], input => events_json(2500));
is($src, 0, 'the same from stdin') or diag($serr);
is(decode_json($sout)->{unchanged}, 2500, 'changes nothing');
$r = $t->get('/calendars/culture.json?text=tapahtuma&page_size=1');
is(decode_json($r->{content})->{meta}{count}, 2500, 'nginx serves them');

# A series whose changed occurrence comes later in the file, after other
# events (as some exports write it): a streamed import cannot hold the file,
# so civicctl reads it whole, and the occurrence stays part of its series.
my $apart = $t->write_file('apart.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x',
    'BEGIN:VEVENT', 'UID:kuoro@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Helsinki:20270105T170000',
    'RRULE:FREQ=WEEKLY;COUNT=4', 'SUMMARY:Kuoro', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:between@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART:20270106T160000Z', 'SUMMARY:Välissä',
    'END:VEVENT',
    'BEGIN:VEVENT', 'UID:kuoro@example.org', 'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Helsinki:20270112T170000', 'DTSTART;TZID=Europe/Helsinki:20270112T190000',
    'SUMMARY:Kuoro myöhemmin', 'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $apart);
is($rc, 0, 'a series with its changed occurrence apart imports') or diag($err);
($rc, $out) = $t->civicctl('export', 'culture');
like($out, qr/UID:kuoro\@example\.org/, 'the series is there');
like($out, qr/EXDATE;TZID=Europe\/Helsinki:20270112T170000/, 'without the changed occurrence at its old time');

# A file that changes one occurrence of a series already stored (what a
# calendar app sends when one meeting of a series moves): accepted, the
# series gets the EXDATE, the occurrence is an event of its own.
my $moved = $t->write_file('moved.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x',
    'BEGIN:VEVENT', 'UID:kuoro@example.org', 'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Helsinki:20270119T170000', 'DTSTART;TZID=Europe/Helsinki:20270119T180000',
    'SUMMARY:Kuoro tuntia myöhemmin', 'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $moved);
is($rc, 0, 'one changed occurrence of a stored series imports') or diag($err);
is_deeply(decode_json($out), { created => 1, updated => 1, unchanged => 0 }, 'the occurrence created, the series updated');
($rc, $out) = $t->civicctl('export', 'culture');
like($out, qr/EXDATE;TZID=Europe\/Helsinki:20270112T170000,20270119T170000/, 'the series has both EXDATEs');
like($out, qr/UID:kuoro\@example\.org_20270119T170000/, 'and the moved occurrence is there');
$r = $t->get('/calendars/culture.json?start=2027-01-19&end=2027-01-20');
my @names = map { $_->{name}{fi} } @{ JSON::PP->new->decode($r->{content})->{data} };  # bytes, as this file's
is_deeply(\@names, ['Kuoro tuntia myöhemmin'], 'that day shows the occurrence once, at its new time');
($rc, $out) = $t->civicctl('import', 'culture', $moved);
is_deeply(decode_json($out), { created => 0, updated => 0, unchanged => 2 }, 'the same file again changes nothing');

# The series again as its calendar app exports it, without that change:
# the stored occurrence is gone, and the meeting is back at its time.
($rc, $out, $err) = $t->civicctl('import', 'culture', $apart);
is($rc, 0, 'the series without the moved occurrence imports') or diag($err);
is_deeply(decode_json($out), { created => 0, updated => 1, unchanged => 2, deleted => 1 },
          'the series updated, the occurrence the file no longer has deleted');
$r = $t->get('/calendars/culture.json?start=2027-01-19&end=2027-01-20');
my @items = map { [ $_->{id}, $_->{start_time} ] } @{ JSON::PP->new->decode($r->{content})->{data} };
is_deeply(\@items, [ [ 'kuoro@example.org', '2027-01-19T17:00:00+02:00' ] ], 'that day shows the series once, at its own time');

# Streamed (each changed occurrence right after its series): the same rule.
my $streamed = $t->write_file('streamed.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x',
    'BEGIN:VEVENT', 'UID:kuoro@example.org', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Helsinki:20270105T170000',
    'RRULE:FREQ=WEEKLY;COUNT=4', 'SUMMARY:Kuoro', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:kuoro@example.org', 'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Helsinki:20270126T170000', 'DTSTART;TZID=Europe/Helsinki:20270126T160000',
    'SUMMARY:Kuoro aiemmin', 'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $streamed);
is($rc, 0, 'a streamed series with another changed occurrence') or diag($err);
is_deeply(decode_json($out), { created => 1, updated => 1, unchanged => 0, deleted => 1 },
          'the new occurrence created, the series updated, the old occurrence deleted');
($rc, $out) = $t->civicctl('export', 'culture');
unlike($out, qr/UID:kuoro\@example\.org_20270112T170000/, 'the old occurrence is not exported');
like($out, qr/EXDATE;TZID=Europe\/Helsinki:20270126T170000\r\n/, 'the series has only the new EXDATE');

my $orphan = $t->write_file('orphan.ics', join("\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x',
    'BEGIN:VEVENT', 'UID:nobody@example.org', 'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID:20270119T170000Z', 'DTSTART:20270119T180000Z', 'SUMMARY:x', 'END:VEVENT', 'END:VCALENDAR', ''));
($rc, $out, $err) = $t->civicctl('import', 'culture', $orphan);
isnt($rc, 0, 'a changed occurrence of no stored series is refused');
like($err, qr/neither in this file nor a series of the calendar/, 'saying so');
($rc, $out, $err) = $t->civicctl('import', 'culture', $moved, '--replace');
isnt($rc, 0, 'a replacement needs the series in the file');
like($err, qr/which is not in this file/, 'saying so');

done_testing;
