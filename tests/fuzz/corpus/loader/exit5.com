º´	Í!¸LÍ!exit5 here
$