# One client must not fill the store through a public form (issue 11): a
# form's max_submissions_per_day refuses what comes after it, for that form
# only, keeping the citizen's answers on the page; and a full store refusing a
# flood of posts logs one [crit] line a second, not one per post.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(token_of urlencode multipart png_bytes);

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%%;
    civic_form rajattu { json_submissions on;
        languages fi en;
        min_fill_time 0;
        receipt_prefix RAJ;
        max_submissions_per_day 3;
        field viesti text { required; label fi "Viesti"; label en "Message"; }
    }
    civic_form muu { json_submissions on;
        languages fi;
        min_fill_time 0;
        field viesti text { label fi "Viesti"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;
my $json = JSON::PP->new->utf8;

sub post_json {
    my ($form, $text) = @_;
    return $t->post("/forms/$form", headers => { 'Content-Type' => 'application/json' },
                    content => $json->encode({ viesti => $text }));
}

for my $n (1 .. 3) {
    my $r = post_json('rajattu', "viesti $n");
    is($r->{status}, 201, "submission $n of the day is stored");
}
my $r = post_json('rajattu', 'neljäs');
is($r->{status}, 429, 'the fourth of the day is refused with 429');
like($json->decode($r->{content})->{error}, qr/its 3 submissions for today; nothing was stored/,
     'saying the daily limit was reached and nothing was stored');
like($r->{headers}{'retry-after'}, qr/^\d+$/, 'with Retry-After');
ok($r->{headers}{'retry-after'} > 0 && $r->{headers}{'retry-after'} <= 25 * 3600, '... until the day ends');

# A browser gets the form again, its answers kept, the reason at the top.
my $page = $t->get('/forms/rajattu?lang=fi');
$r = $t->post('/forms/rajattu?lang=fi', headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
              content => urlencode(viesti => 'Katulamppu ei pala', _token => token_of($page->{content})));
is($r->{status}, 429, 'a browser post over the limit: 429');
like($r->{content}, qr/<form/, 'with the form again');
like($r->{content}, qr/value="Katulamppu ei pala"/, 'holding what the citizen wrote');
like($r->{content}, qr/uudelleen huomenna/, 'and why, in the page language');

is(post_json('muu', 'toinen lomake')->{status}, 201, 'another form is not limited by it');

my $status = $json->decode($t->get('/admin/status')->{content});
is($status->{forms}{rajattu}{submissions}, 3, 'three were stored');
is($status->{forms}{rajattu}{submissions_today}, 3, '/admin/status counts them for today');
is($status->{forms}{rajattu}{max_submissions_per_day}, 3, 'and shows the limit');
is($status->{forms}{muu}{max_submissions_per_day}, undef, 'null for a form without one');
like($t->error_log, qr/form "rajattu": submission refused: max_submissions_per_day reached/,
     'the refusal is logged as a refusal');

# nginx -t refuses a limit that is no whole number.
my $check = Civic::Test->new(http => <<'END');
    civic_store %%STORE%%;
    civic_form f { json_submissions on; languages en; max_submissions_per_day 0; field a text { } }
    server { listen %%ADDR%%; location /forms/ { civic_forms; } }
END
my ($rc, $out) = $check->test_config;
isnt($rc, 0, 'nginx -t refuses max_submissions_per_day 0');
like($out, qr/max_submissions_per_day "0" is not a whole number from 1 to 100000000/, 'saying what it takes');

$t->finish;

# --- A full store and a flood: the log keeps up.
my $full = Civic::Test->new(http => <<'END', expect_errors => [qr/submission not stored: .*MDB_MAP_FULL/]);
    civic_store %%STORE%% max_size=1m;
    client_max_body_size 4m;
    civic_form upload { json_submissions on;
        languages en;
        min_fill_time 0;
        field attachment file { max_size 3m; label en "Attachment"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
    }
END
$full->start;
my $b = 'floodBoundary';
my $posts = 40;
my ($first, $last) = (time, 0);
my $refused = 0;
my $token = token_of($full->get('/forms/upload')->{content});  # refused posts do not use it up
for (1 .. $posts) {
    my $res = $full->post('/forms/upload', headers => { 'Content-Type' => "multipart/form-data; boundary=$b",
                                                        Accept => 'application/json' },
                          content => multipart($b, _token => $token, attachment => { filename => 'big.bin', type => 'application/octet-stream',
                                                                   content => png_bytes() . ('x' x (2 * 1024 * 1024)) }));
    $refused++ if $res->{status} == 507;
}
$last = time;
is($refused, $posts, "all $posts posts that do not fit are refused with 507");
my @crit = grep { /${\ Civic::Test::log_level('crit')}.*submission not stored/ } split /\n/, $full->error_log;
ok(@crit >= 1, 'the full store is logged');
ok(@crit <= $last - $first + 1, 'at most one [crit] line a second (' . scalar(@crit) . ' lines in '
   . ($last - $first + 1) . ' seconds)');
# One more refusal a second later reports what the last second held back:
# every refusal is then a [crit] line of its own or counted in a later one.
select(undef, undef, undef, 1.2);
my $late = $full->post('/forms/upload', headers => { 'Content-Type' => "multipart/form-data; boundary=$b",
                                                     Accept => 'application/json' },
                       content => multipart($b, _token => $token, attachment => { filename => 'big.bin',
                           type => 'application/octet-stream', content => png_bytes() . ('x' x (2 * 1024 * 1024)) }));
is($late->{status}, 507, 'a refusal a second later');
@crit = grep { /${\ Civic::Test::log_level('crit')}.*submission not stored/ } split /\n/, $full->error_log;
my $counted = 0;
for (@crit) { $counted += $1 if /\(and (\d+) more refused since the last line\)/ }
is(scalar(@crit) + $counted, $posts + 1,
   'each refusal is a line or counted in a later one (' . scalar(@crit) . " lines, $counted counted)");
$full->finish;
done_testing;
