# A store written by the civic before issue 17 (schema version 1: every
# text of every event plain) is upgraded when nginx first opens it: the
# events are rewritten in the new record format, a calendar of a thousand
# events or more gets a dictionary and its texts packed, and every answer
# is byte for byte what the earlier civic gave. nginx -t leaves it as it is.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use File::Path qw(make_path);
use Civic::Test;

my $fixture = 't/fixtures/store-schema1.tar.xz';
my $t = Civic::Test->new(init_store => 0, http => <<'END');
    civic_store %%STORE%%;
    civic_calendar big {
        title fi "Tapahtumat"; title sv "Evenemang"; title en "Events";
        languages fi sv en;
        timezone Europe/Helsinki;
    }
    civic_calendar small {
        title en "Small";
        languages en fi;
        timezone Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
    }
END

my $expected = $t->prefix . '/expected';
make_path($t->store, $expected);
for my $dir ($t->store, $expected) {
    my ($rc, undef, $err) = Civic::Test::run_command(['tar', 'xJf', $fixture, '-C', $dir]);
    is($rc, 0, "the fixture unpacked into $dir") or diag($err);
}
unlink glob($t->store . '/*.ics'), glob($t->store . '/*.json'), glob($t->store . '/*cal');
my $before = -s $t->store . '/data.mdb';

sub schema_version {
    my ($rc, $dump) = Civic::Test::run_command(['mdb_dump', '-s', 'meta', $t->store]);
    my $key = unpack('H*', 'schema_version');
    return $dump =~ /^ $key\n ([0-9a-f]{8})$/m ? hex($1) : undef;
}

sub dictionaries {
    my ($rc, $out) = Civic::Test::run_command(['mdb_stat', '-s', 'event_dicts', $t->store]);
    return $rc == 0 && $out =~ /Entries: (\d+)/ ? $1 : 0;
}

is(schema_version(), 1, 'the fixture is a schema 1 store');

# nginx -t reads the store without writing it.
my ($trc, $tout) = $t->test_config;
is($trc, 0, 'nginx -t passes on the earlier store') or diag($tout);
is(schema_version(), 1, 'and leaves it at schema 1');

$t->start;
is(schema_version(), 3, 'nginx upgraded it when it started');
is(dictionaries(), 1, 'the calendar of 1,100 events got a dictionary; the one of 25 none');
unlike($t->error_log, qr/${\ Civic::Test::log_level('error|crit|alert|emerg')}/, 'nothing went wrong on the way');
like($t->error_log, qr/${\ Civic::Test::log_level('warn')}.*upgraded from schema version 1 to 3/, 'and said so in the error log');

sub expected {
    my ($name) = @_;
    my $text = Civic::Test::read_file("$expected/$name");
    # The earlier civic answered on another port (in "@id" and the paging links).
    $text =~ s/127\.0\.0\.1:28711/$t->addr/ge;
    return $text;
}

my $range = 'start=2026-01-01&end=2030-01-01';
my @answers = (
    ["/calendars/big.ics?$range&lang=sv", {}, 'big-sv.ics', 'iCal in Swedish'],
    ["/calendars/big?$range&lang=en", { Accept => 'application/calendar+json' }, 'big-en.jcal', 'jCal in English'],
    ["/calendars/big?$range", { Accept => 'application/calendar+xml' }, 'big-fi.xcal', 'xCal in Finnish'],
    ['/calendars/big.json?page_size=100&page=3', {}, 'big-list.json', 'the JSON list, page 3'],
    ['/calendars/big.json?sort=name&page_size=100&lang=sv', {}, 'big-name.json', 'the JSON list by name'],
    ['/calendars/big.json?start=2027-03-01&end=2027-03-15&page_size=100', {}, 'big-window.json', 'a JSON window'],
    ['/calendars/big/events/b:17.json', {}, 'big-event.json', 'one event as JSON'],
    ["/calendars/small.json?$range&page_size=100", {}, 'small-list.json', 'the small calendar (not packed)'],
);
# The earlier civic's JSON in this civic's shape (issue 18, item 6): places
# and keywords as {"@id"} references, texts without a language as {}, and
# super_event_type.
sub as_now {
    my ($cal, $e) = @_;
    return $e if $e->{deleted};
    my $segment = sub { (my $s = shift) =~ s/([^A-Za-z0-9\-._~!\$&'()*+,;=:@])/sprintf('%%%02X', ord $1)/ge; $s };
    my $base = 'http://' . $t->addr . "/calendars/$cal";
    $e->{keywords} = [ map { { '@id' => "$base/keywords/" . $segment->($_) . '.json' } } @{ $e->{keywords} } ];
    $e->{location} = { '@id' => "$base/places/" . $segment->($e->{location}{id}) . '.json' }
        if ref $e->{location} && defined $e->{location}{id};
    $e->{$_} //= {} for qw(short_description description info_url);
    $e->{super_event_type} = undef;  # an umbrella event's "umbrella"
    return $e;
}

for my $a (@answers) {
    my ($path, $headers, $file, $what) = @$a;
    my $r = $t->get($path, headers => $headers);
    is($r->{status}, 200, "$what: 200");
    if ($file =~ /\.json$/) {
        my ($cal) = $path =~ m{^/calendars/([a-z]+)};
        my $then = JSON::PP->new->decode(expected($file));
        $_ = as_now($cal, $_) for $then->{data} ? @{ $then->{data} } : ($then);
        is_deeply(JSON::PP->new->decode($r->{content}), $then, "$what: what the earlier civic gave, in this civic's shape");
        next;
    }
    ok($r->{content} eq expected($file), "$what: the same bytes as the earlier civic gave")
        or diag(length($r->{content}) . ' bytes against ' . length(expected($file)));
}

my ($rc, $out, $err) = $t->civicctl('export', 'big');
ok($rc == 0 && $out eq expected('big.ics'), 'civicctl export: the same .ics as before the upgrade');
($rc, $out) = $t->civicctl('export', 'small');
ok($rc == 0 && $out eq expected('small.ics'), 'and for the small calendar');
($rc, $out, $err) = $t->civicctl('verify');
is($rc, 0, 'civicctl verify finds nothing wrong') or diag($out . $err);
like($out, qr/1125 events, 0 problems/, 'with every event');

# Writes go on, packed with the calendar's dictionary: an event changed,
# one added, read back.
my $file = $t->prefix . '/more.json';
open my $fh, '>:raw', $file or die "$file: $!";
print $fh encode_json([
    { id => 'b:17', name => { fi => 'Muutettu', sv => 'Ändrad', en => 'Changed' },
      start_time => '2027-03-02T18:00:00+02:00' },
    { id => 'new:1', name => { fi => 'Uusi', en => 'New' }, start_time => '2027-03-03T18:00:00+02:00' },
]);
close $fh;
($rc, $out, $err) = $t->civicctl('import', 'big', $file);
is($rc, 0, 'civicctl import into the upgraded calendar') or diag($err);
my $r = $t->get('/calendars/big/events/b:17.json?lang=sv');
is(decode_json($r->{content})->{name}{sv}, 'Ändrad', 'the changed event reads back');
$r = $t->get('/calendars/big/events/new:1.ics');
like($r->{content}, qr/^SUMMARY;LANGUAGE=fi:Uusi\r$/m, 'the new one as iCal');
is(dictionaries(), 1, 'still one dictionary');
($rc, $out, $err) = $t->civicctl('verify');
like($out, qr/1126 events, 0 problems/, 'civicctl verify after the writes') or diag($out . $err);

# The compacted store is a fraction of what the earlier civic needed.
my $copy = $t->prefix . '/copy';
($rc, undef, $err) = $t->civicctl('backup', $copy);
is($rc, 0, 'civicctl backup') or diag($err);
my $after = -s "$copy/data.mdb";
ok($after * 3 < $before, "the compacted store shrank from $before to $after bytes");

$t->stop;
done_testing;
